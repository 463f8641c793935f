// Runs the claims page's engine (site/static/engine.js) in node, for tests/test_claim_box_parity.py.
// Reads {data, sentences, profiles, claims} as JSON on stdin; writes {checks, workloads, evaluations}.
"use strict";
const fs = require("fs");
const engine = require(process.argv[2]);
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const data = engine.load(input.data);
const out = {
  checks: input.sentences.map((text) => engine.check(data, text, data.now)),
  workloads: input.profiles.map((spec) => engine.workload(data, spec)),
  evaluations: (input.claims || []).map(([claim, at]) => engine.evaluate(data, claim, at)),
};
process.stdout.write(JSON.stringify(out));
