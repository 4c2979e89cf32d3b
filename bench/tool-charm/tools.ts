// config-changed reads the peer bag of units tools/1 … tools/N (N = $BENCH_READS, default 50): one
// relation-get each, since every bag is read at most once per hook. Then one status-set says how
// many bags held the greeting.

import { ActiveStatus, CharmBase, type Framework, main } from "tscharm";

const READS = Number(process.env["BENCH_READS"] ?? "50");

class ToolHeavy extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.configChanged, () => {
      const cluster = this.model.getRelation("cluster");
      let greeted = 0;
      for (let n = 1; n <= READS && cluster !== undefined; n++) {
        if (cluster.data.get(this.model.getUnit(`tools/${String(n)}`)).get("greeting") === "hello") greeted++;
      }
      this.unit.status = new ActiveStatus(`${String(greeted)} of ${String(READS)} bags read`);
    });
  }
}

main(ToolHeavy);
