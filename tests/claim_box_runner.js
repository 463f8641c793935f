// Runs the claims page's engine (site/static/engine.js) in node, for tests/test_claim_box_parity.py.
// Reads {data, sentences, made_on, profiles, claims, entries} as JSON on stdin (made_on: a day or null per sentence); writes {checks, workloads, evaluations, entries}.
"use strict";
const fs = require("fs");
const engine = require(process.argv[2]);
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const data = engine.load(input.data);
const out = {
  checks: input.sentences.map((text, i) => engine.check(data, text, data.now, (input.made_on || [])[i] || null)),
  workloads: input.profiles.map((spec) => engine.workload(data, spec)),
  evaluations: (input.claims || []).map(([claim, at]) => engine.evaluate(data, claim, at)),
  entries: (input.entries || []).map(([parts, how, at]) => engine.evaluateParts(data, parts, how, at)),
};
process.stdout.write(JSON.stringify(out));
