// YAML the way Juju and charmcraft read it (YAML 1.1: Go's gopkg.in/yaml.v2 and Python's PyYAML),
// and YAML that every one of them, and YAML 1.2, reads back as written: the scalar readers
// (yaml-scalars.ts), the document reader (yaml-read.ts) and the writer (yaml-write.ts). docs/cli.md,
// "YAML that Juju reads", has the sources and the rules.

export { YamlError } from "./errors.js";
export { type ScalarReading, type YamlReader, type YamlReading, goYamlScalar, pyYamlScalar, yaml12Scalar } from "./yaml-scalars.js";
export {
  describeReading,
  describeYamlReading,
  readYaml,
  readerNames,
  where,
  yamlAdvice,
  yamlReadingAt,
  yamlReadings,
} from "./yaml-read.js";
export { charmcraftDumpWarnings, writeYaml } from "./yaml-write.js";
