/* pricewatch claims page: the workload calculator and the claim box, on the data embedded
   in the page (script#pricewatch-data) and the engine (engine.js). Every text shown is set
   with textContent: names come from scraped data and are never parsed as HTML. */
(function () {
  "use strict";
  var pw = window.pricewatch;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function list(tag, items, className) {
    var node = el(tag, null, className);
    items.forEach(function (item) { node.appendChild(el("li", item)); });
    return node;
  }
  function money(text) {
    var d = pw.Dec.of(text);
    return "$" + d.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  function verdictWords(v) { return v.replace(/_/g, " "); }

  // "150M", "1.5B", "200k", "150,000,000" -> decimal text (as `pricewatch cost --tokens-per-day`).
  function tokens(text) {
    var t = String(text).trim().replace(/[,_\s]/g, "");
    var factor = { k: "1000", m: "1000000", b: "1000000000" }[t.slice(-1).toLowerCase()];
    if (factor) t = t.slice(0, -1);
    var value = pw.Dec.of(t);
    return (factor ? value.mul(factor) : value).toString();
  }
  // "90" or "90%" -> "0.9"
  function share(text) { return pw.Dec.of(String(text).trim().replace(/%$/, "")).div(100).toString(); }

  function setUpCalculator(data, raw) {
    var form = document.getElementById("calc-form");
    var result = document.getElementById("calc-result");
    if (!form || !result) return;
    var modelSelect = document.getElementById("calc-model");
    var providerSelect = document.getElementById("calc-provider");
    var names = {};
    raw.models.forEach(function (m) { names[m.id] = m.name; });
    var providerNames = {};
    raw.providers.forEach(function (p) { providerNames[p.id] = p.name; });
    var menu = {};
    raw.calculator.forEach(function (entry) {
      menu[entry.model] = entry.providers;
      var option = el("option", names[entry.model] + " (" + entry.model + ")");
      option.value = entry.model;
      modelSelect.appendChild(option);
    });
    if (!raw.calculator.length) {
      result.hidden = false;
      result.textContent = "No model has a standard price in force in this data.";
      return;
    }
    var preferred = menu["anthropic/claude-opus-4.6"] ? "anthropic/claude-opus-4.6" : raw.calculator[0].model;
    modelSelect.value = preferred;

    function fillProviders() {
      providerSelect.textContent = "";
      (menu[modelSelect.value] || []).forEach(function (id) {
        var option = el("option", providerNames[id] || id);
        option.value = id;
        providerSelect.appendChild(option);
      });
    }

    function spec(reading) {
      return {
        model: modelSelect.value,
        provider: providerSelect.value,
        tokens_per_day: tokens(form.elements.tokens.value),
        input_share: share(form.elements.input_share.value),
        cache_hit: share(form.elements.cache_hit.value),
        cache_reading: reading,
        cache_write_share: share(form.elements.cache_write.value || "0"),
        cache_write_ttl: form.elements.ttl.value,
        days_per_month: pw.Dec.of(form.elements.days.value).toString()
      };
    }

    function render() {
      result.hidden = false;
      result.textContent = "";
      var reading = form.querySelector("input[name=reading]:checked").value;
      var other = reading === "input" ? "all" : "input";
      var main, alternative;
      try {
        main = pw.workload(data, spec(reading));
        alternative = pw.workload(data, spec(other));
      } catch (error) {
        result.appendChild(el("p", "Cannot read the inputs: " + error.message));
        result.removeAttribute("data-monthly");
        return;
      }
      var words = { input: "a share of input tokens", all: "a share of all tokens" };
      if (main.error) {
        result.removeAttribute("data-monthly");
        result.appendChild(el("p", "Cache-hit rate as " + words[reading] + ": " + main.error, "verdict off"));
      } else {
        result.setAttribute("data-monthly", main.monthly_cost_usd);
        result.setAttribute("data-daily", main.daily_cost_usd);
        var head = el("p");
        head.appendChild(el("span", money(main.monthly_cost_usd), "figure"));
        head.appendChild(document.createTextNode(" per month (" + money(main.daily_cost_usd) + " a day) on " +
          names[main.model] + " at " + (providerNames[main.provider] || main.provider) + ", cache-hit rate as " + words[reading] + "."));
        head.id = "calc-monthly";
        result.appendChild(head);
        // A price the seller does not list was billed at another one: said here, not only in the assumptions.
        if (main.flags && main.flags.length) {
          var flagged = el("div", null, "notice warn");
          flagged.id = "calc-flags";
          flagged.setAttribute("role", "note");
          flagged.appendChild(el("p", "Substituted price" + (main.flags.length > 1 ? "s" : "") + ": this total bills a price the seller does not list at another price."));
          flagged.appendChild(list("ul", main.flags, "small"));
          result.appendChild(flagged);
          result.setAttribute("data-substituted", String(main.flags.length));
        } else {
          result.removeAttribute("data-substituted");
        }
        result.appendChild(el("p", "Arithmetic:"));
        result.appendChild(list("ol", main.arithmetic, "arith"));
        var details = el("details");
        details.appendChild(el("summary", "Assumptions"));
        details.appendChild(list("ul", main.assumptions, "small"));
        result.appendChild(details);
      }
      var alt = el("p", null, "small");
      alt.id = "calc-other";
      if (alternative.error) {
        alt.textContent = "Read as " + words[other] + ": " + alternative.error + ".";
        result.removeAttribute("data-other-monthly");
      } else {
        alt.textContent = "Read as " + words[other] + ", the same inputs cost " + money(alternative.monthly_cost_usd) + " per month.";
        result.setAttribute("data-other-monthly", alternative.monthly_cost_usd);
      }
      result.appendChild(alt);
    }

    modelSelect.addEventListener("change", function () { fillProviders(); render(); });
    form.addEventListener("input", render);
    form.addEventListener("change", render);
    form.addEventListener("submit", function (event) { event.preventDefault(); render(); });
    fillProviders();
    form.hidden = false;
    render();
  }

  function renderVerdict(box, report, data) {
    box.hidden = false;
    box.textContent = "";
    window.pricewatchLastCheck = report;
    if (report.error) {
      box.setAttribute("data-verdict", "error");
      var pre = el("pre", report.error, "arith");
      box.appendChild(pre);
      return;
    }
    box.setAttribute("data-verdict", report.verdict);
    var head = el("p");
    head.appendChild(el("span", verdictWords(report.verdict), "verdict " + report.verdict));
    head.appendChild(document.createTextNode(" as of " + report.at.slice(0, 10)));
    box.appendChild(head);
    report.results.forEach(function (v) {
      box.appendChild(el("p", v.summary));
      if (v.held_from) {
        box.appendChild(el("p", "Held from " + v.held_from.slice(0, 10) + (v.held_until ? " until " + v.held_until.slice(0, 10) : " and still holds") + ".", "small"));
      }
      if (v.prices.length) {
        box.appendChild(list("ul", v.prices.map(function (p) {
          var values = data.vocabulary.price_fields.filter(function (f) { return p[f] !== null && p[f] !== undefined; })
            .map(function (f) { return f.replace(/_/g, " ") + " $" + p[f]; }).join(", ");
          return p.role + ": " + p.model_name + " at " + p.provider + ": " + values + " per million tokens, from " + p.valid_from.slice(0, 10) +
            (p.valid_to ? " to " + p.valid_to.slice(0, 10) : "") + " (" + p.origin + (p.confidence ? ", " + p.confidence + " confidence" : "") + "; " + p.chosen_by + ")" +
            (p.confidence === "low" ? " [unverified]" : "");
        }), "small"));
      }
      if (v.steps.length) box.appendChild(list("ol", v.steps.map(function (s) { return s.label + ": " + s.formula + " = " + s.result; }), "arith"));
      if (v.comparisons.length) {
        box.appendChild(list("ul", v.comparisons.map(function (c) {
          var unit = c.unit.indexOf("USD") === 0 ? "$" : c.unit;
          var mark = c.holds ? "ok" : c.direction + " " + pw.fmt(c.factor, "x");
          return c.label + ": claimed " + figure(c.claimed, unit) + ", actual " + pw.fmt(c.actual, unit) + ": " + mark + (c.decisive ? "" : " (context only)");
        }), "small"));
      }
      if (v.missing.length) box.appendChild(el("p", "Missing: " + v.missing.join("; "), "small"));
    });
    if (report.group) box.appendChild(el("p", "Group: " + report.group.text, "small"));
    if (report.then) {  // as `pricewatch check --made-on DAY` shows it
      box.appendChild(el("p", "As of the day it was made (" + report.then.at.slice(0, 10) + "): " + verdictWords(report.then.verdict)));
      box.appendChild(list("ul", report.then.parts.map(function (v) { return v.verdict + ": " + v.summary; }), "small"));
    }
  }
  function figure(f, unit) {
    if (f.low !== null && f.high !== null && f.low === f.high) return pw.fmt(f.low, unit);
    if (f.low !== null && f.high !== null) return pw.fmt(f.low, unit) + "-" + pw.fmt(f.high, unit);
    return f.low !== null ? "at least " + pw.fmt(f.low, unit) : "at most " + pw.fmt(f.high, unit);
  }

  function setUpClaimBox(data) {
    var form = document.getElementById("claim-form");
    var box = document.getElementById("claim-result");
    if (!form || !box) return;
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      renderVerdict(box, pw.check(data, form.elements.text.value, data.now, form.elements.made_on.value || null), data);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("pricewatch-data");
    if (!node || !pw) return;
    var raw = JSON.parse(node.textContent);
    var data = pw.load(raw);
    window.pricewatchData = data;
    setUpCalculator(data, raw);
    setUpClaimBox(data);
  });
})();
