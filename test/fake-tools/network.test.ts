// fake-tools/network.ts: network-get and unit-get, run as processes against the fixture model of hook.ts.

import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";

import { machineAddress } from "../../engine/model.js";
import { defined } from "../support/engine.js";
import { demoModel, failure, hook, MAC, serveTools, success } from "./hook.js";

serveTools();

describe("unit-get", () => {
  test("unit-get private-address / public-address; anything else (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("unit-get", ["private-address"])).toEqual(success(`${machineAddress("0")}\n`));
    expect(await h.run("unit-get", ["public-address", "--format=json"])).toEqual(success(`"${machineAddress("0")}"\n`));
    expect(await h.run("unit-get", ["bogus"])).toEqual(failure(2, 'unknown setting "bogus"'));
  });
});

describe("network-get", () => {
  test("the full record: bind addresses, egress subnets, ingress addresses", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.json("network-get", ["db"])).toEqual({
      "bind-addresses": [
        { "mac-address": MAC, "interface-name": "eth0", addresses: [{ hostname: "", value: "10.0.0.5", cidr: "10.0.0.0/24" }] },
      ],
      "egress-subnets": ["10.0.0.5/32"],
      "ingress-addresses": ["10.0.0.5"],
    });
  });

  test("empty top-level keys are omitted", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(Object.keys((await h.json("network-get", ["website"])) as object)).toEqual(["bind-addresses"]);
  });

  test("one selector: just that value; several: a map", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("network-get", ["db", "--bind-address"])).toEqual(success("10.0.0.5\n"));
    expect(await h.run("network-get", ["db", "--ingress-address", "--format=json"])).toEqual(success('"10.0.0.5"\n'));
    expect(await h.run("network-get", ["db", "--egress-subnets", "--format=json"])).toEqual(success('["10.0.0.5/32"]\n'));
    expect(await h.run("network-get", ["db", "--egress-subnets"])).toEqual(success("10.0.0.5/32\n"));
    expect(await h.run("network-get", ["--bind-address", "db", "--ingress-address", "--egress-subnets", "--format=json"])).toEqual(
      success('{"bind-address":"10.0.0.5","egress-subnets":["10.0.0.5/32"],"ingress-address":"10.0.0.5"}\n'),
    );
  });

  test("the ingress address falls back to the first bind address", async () => {
    expect(await hook(demoModel(), "demo/0").run("network-get", ["website", "--ingress-address"])).toEqual(success("10.0.1.6\n"));
  });

  test("an extra binding has a network too; with -r the relation must be the unit's", async () => {
    const h = hook(demoModel(), "demo/0");
    expect((await h.run("network-get", ["metrics", "--bind-address"])).exitCode).toBe(0);
    expect(await h.run("network-get", ["-r", "db:2", "db", "--bind-address"])).toEqual(success("10.0.0.5\n"));
    expect(await h.run("network-get", ["-r", "db:99", "db"])).toEqual(
      failure(2, 'invalid value "db:99" for option -r: relation not found'),
    );
  });

  test("no binding (exit 2); an unknown binding (exit 1)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("network-get")).toEqual(failure(2, "no arguments specified"));
    expect(await h.run("network-get", ["nosuch"])).toEqual(failure(1, 'no network config found for binding "nosuch"'));
  });

  test("juju-info is a binding of every charm (Juju adds the endpoint when the charm does not declare it)", async () => {
    const h = hook(demoModel(), "demo/0");
    // The default network, as for any binding the model gives no network of its own: the unit's machine's.
    expect(await h.run("network-get", ["juju-info", "--bind-address"])).toEqual(success("10.1.0.10\n"));
  });

  // juju/juju apiserver/facades/agent/uniter/networkinfo.go (NetworksForRelation: egress defaults to
  // the ingress address as a /32) and networkinfoiaas.go (the machine's address on its device).
  test("the default network is the unit's own address, as unit-get and its relation bags have it", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect(await h.run("unit-get", ["private-address"])).toEqual(success("10.1.0.11\n"));
    expect(await h.run("network-get", ["juju-info", "--format=json"])).toEqual(
      success(
        '{"bind-addresses":[{"mac-address":"","interface-name":"eth0","addresses":[{"hostname":"","value":"10.1.0.11","cidr":"10.1.0.0/24"}]}],' +
          '"egress-subnets":["10.1.0.11/32"],"ingress-addresses":["10.1.0.11"]}\n',
      ),
    );
    expect(await h.run("network-get", ["cluster", "--ingress-address", "--egress-subnets", "--format=json"])).toEqual(
      success('{"egress-subnets":["10.1.0.11/32"],"ingress-address":"10.1.0.11"}\n'),
    );
    // A unit joining a relation with no bag of its own starts with the same addresses.
    model.joinRelation(3, "demo/1");
    expect(model.relation(3).unitData.get("demo/1")).toEqual({
      "egress-subnets": "10.1.0.11/32",
      "ingress-address": "10.1.0.11",
      "private-address": "10.1.0.11",
    });
  });
});

describe("details of Juju's behaviour", () => {
  test("network-get json: Juju's field order, byte for byte as in Juju", async () => {
    expect(await hook(demoModel(), "demo/0").run("network-get", ["db", "--format=json"])).toEqual(
      success(
        `{"bind-addresses":[{"mac-address":"${MAC}","interface-name":"eth0",` +
          '"addresses":[{"hostname":"","value":"10.0.0.5","cidr":"10.0.0.0/24"}]}],' +
          '"egress-subnets":["10.0.0.5/32"],"ingress-addresses":["10.0.0.5"]}\n',
      ),
    );
  });

  test("network-get yaml: also the old agents' keys macaddress, interfacename and address", async () => {
    const yaml = parseYaml(await hook(demoModel(), "demo/0").out("network-get", ["db", "--format=yaml"])) as {
      "bind-addresses": { macaddress?: string; interfacename?: string; addresses: { address?: string }[] }[];
    };
    const bind = defined(yaml["bind-addresses"][0], "a bind address");
    expect({ macaddress: bind.macaddress, interfacename: bind.interfacename, address: bind.addresses[0]?.address }).toEqual({
      macaddress: MAC,
      interfacename: "eth0",
      address: "10.0.0.5",
    });
  });
});
