/* pricewatch engine: the price lookups, the workload and request costs, and the claim checker
   of pricewatch.analysis (prices.py, workloads.py, claims.py, claim_text.py), ported line by
   line to run in the browser on the data embedded in the claims page. Tests run the same
   claims and workloads through both and compare the results; keep the two in step.

   Money is exact: a small decimal type (Dec) with Python's default decimal context
   (28 significant digits, round half even), so a claim at exactly +15% holds here as it
   does in Python. No request leaves the page. */
(function (global) {
  "use strict";

  // ------------------------------------------------------------------ exact decimals
  var PREC = 28;
  var TEN = BigInt(10);
  var ZERO_N = BigInt(0);
  var ONE_N = BigInt(1);
  var pow10Cache = [ONE_N];
  function pow10(n) {
    while (pow10Cache.length <= n) pow10Cache.push(pow10Cache[pow10Cache.length - 1] * TEN);
    return pow10Cache[n];
  }
  function absN(m) { return m < ZERO_N ? -m : m; }
  function digits(m) { return m === ZERO_N ? 1 : absN(m).toString().length; }

  function Dec(m, e) { this.m = m; this.e = e; }

  // Round a coefficient to PREC significant digits, half even. `sticky`: a nonzero remainder
  // lies below the digits given (a division's), which breaks an exact tie upwards.
  function rounded(m, e, sticky) {
    var n = digits(m);
    if (n <= PREC) return new Dec(m, e);
    var drop = n - PREC;
    var negative = m < ZERO_N;
    var base = pow10(drop);
    var a = absN(m);
    var q = a / base;
    var r = a % base;
    var half = base / BigInt(2);
    if (r > half || (r === half && (sticky || q % BigInt(2) === ONE_N))) q += ONE_N;
    e += drop;
    if (digits(q) > PREC) { q /= TEN; e += 1; }
    return new Dec(negative ? -q : q, e);
  }

  Dec.of = function (x) {
    if (x instanceof Dec) return x;
    if (x === null || x === undefined) return null;
    var text = String(x).trim();
    var match = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (!match || (match[2] === "" && (match[3] === undefined || match[3] === ""))) {
      throw new Error("not a number: " + text);
    }
    var whole = match[2] || "";
    var frac = match[3] || "";
    var m = BigInt((whole + frac) || "0");
    if (match[1] === "-") m = -m;
    return new Dec(m, -frac.length + (match[4] ? parseInt(match[4], 10) : 0));
  };
  Dec.zero = new Dec(ZERO_N, 0);
  Dec.one = new Dec(ONE_N, 0);
  Dec.prototype.isZero = function () { return this.m === ZERO_N; };
  Dec.prototype.sign = function () { return this.m > ZERO_N ? 1 : this.m < ZERO_N ? -1 : 0; };
  Dec.prototype.neg = function () { return new Dec(-this.m, this.e); };
  Dec.prototype.abs = function () { return new Dec(absN(this.m), this.e); };
  function align(a, b) {
    var e = Math.min(a.e, b.e);
    return [a.m * pow10(a.e - e), b.m * pow10(b.e - e), e];
  }
  Dec.prototype.add = function (o) { o = Dec.of(o); var t = align(this, o); return rounded(t[0] + t[1], t[2], false); };
  Dec.prototype.sub = function (o) { o = Dec.of(o); var t = align(this, o); return rounded(t[0] - t[1], t[2], false); };
  Dec.prototype.mul = function (o) { o = Dec.of(o); return rounded(this.m * o.m, this.e + o.e, false); };
  Dec.prototype.div = function (o) {
    o = Dec.of(o);
    if (o.isZero()) throw new Error("division by zero");
    if (this.isZero()) return new Dec(ZERO_N, 0);
    var k = PREC + digits(o.m) - digits(this.m) + 2;
    if (k < 0) k = 0;
    var n = absN(this.m) * pow10(k);
    var d = absN(o.m);
    var q = n / d;
    var r = n % d;
    var negative = (this.m < ZERO_N) !== (o.m < ZERO_N);
    var result = rounded(q, this.e - o.e - k, r !== ZERO_N);
    return negative ? result.neg() : result;
  };
  Dec.prototype.cmp = function (o) {
    o = Dec.of(o);
    var t = align(this, o);
    return t[0] < t[1] ? -1 : t[0] > t[1] ? 1 : 0;
  };
  Dec.prototype.eq = function (o) { return this.cmp(o) === 0; };
  Dec.prototype.lt = function (o) { return this.cmp(o) < 0; };
  Dec.prototype.le = function (o) { return this.cmp(o) <= 0; };
  Dec.prototype.gt = function (o) { return this.cmp(o) > 0; };
  Dec.prototype.ge = function (o) { return this.cmp(o) >= 0; };
  // Rounded to `prec` significant digits, half even (Python's Context(prec=...).plus).
  Dec.prototype.roundTo = function (prec) {
    var saved = PREC;
    PREC = prec;
    try { return rounded(this.m, this.e, false); } finally { PREC = saved; }
  };
  Dec.prototype.adjusted = function () { return this.e + digits(this.m) - 1; };
  Dec.prototype.normalize = function () {
    if (this.m === ZERO_N) return new Dec(ZERO_N, 0);
    var m = this.m, e = this.e;
    while (m % TEN === ZERO_N) { m /= TEN; e += 1; }
    return new Dec(m, e);
  };
  // Plain decimal text, no exponent, trailing zeros dropped ("3", "0.5", "0.0912").
  Dec.prototype.toString = function () {
    var d = this.normalize();
    return plain(d.m, d.e);
  };
  function plain(m, e) {
    var negative = m < ZERO_N;
    var s = absN(m).toString();
    if (e >= 0) {
      s = s + "0".repeat(e);
    } else {
      var places = -e;
      if (s.length <= places) s = "0".repeat(places - s.length + 1) + s;
      s = s.slice(0, s.length - places) + "." + s.slice(s.length - places);
    }
    return (negative && s.replace(/[0.]/g, "") !== "" ? "-" : "") + s;
  }
  // Rounded half even to `places` decimals, as Python's f"{d:.2f}".
  Dec.prototype.toFixed = function (places) {
    var target = -places;
    var m = this.m, e = this.e;
    if (e < target) {
      var drop = target - e;
      var negative = m < ZERO_N;
      var a = absN(m);
      var base = pow10(drop);
      var q = a / base, r = a % base, half = base / BigInt(2);
      if (r > half || (r === half && q % BigInt(2) === ONE_N)) q += ONE_N;
      m = negative ? -q : q;
      e = target;
    } else if (e > target) {
      m = m * pow10(e - target);
      e = target;
    }
    var text = plain(m, e);
    if (places > 0 && text.indexOf(".") < 0) text += "." + "0".repeat(places);
    // Python keeps the sign of a negative value rounded to zero ("-0.00").
    if (this.m < ZERO_N && text.charAt(0) !== "-") text = "-" + text;
    return text;
  };
  Dec.prototype.toNumber = function () { return parseFloat(this.toString()); };
  function group(text) {
    var negative = text.charAt(0) === "-";
    if (negative) text = text.slice(1);
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (negative ? "-" : "") + parts.join(".");
  }
  function dmin(a, b) { return a.le(b) ? a : b; }
  function D(x) { return x === null || x === undefined || x === "" ? null : Dec.of(x); }

  // ------------------------------------------------------------------ data
  function load(raw) {
    var cols = raw.columns;
    var idx = {};
    cols.forEach(function (c, i) { idx[c] = i; });
    var fields = ["input", "output", "cache_read", "cache_write", "cache_write_1h", "reasoning"];
    var points = raw.points.map(function (row) {
      var p = {
        model: raw.models[row[idx.model]].id,
        provider: raw.providers[row[idx.provider]].id,
        tier: row[idx.tier],
        min_prompt_tokens: row[idx.min_prompt_tokens],
        variant: row[idx.variant],
        currency: row[idx.currency],
        valid_from: row[idx.valid_from],
        valid_to: row[idx.valid_to],
        origin: row[idx.origin],
        variable: !!row[idx.variable],
        quantization: row[idx.quantization],
        confidence: row[idx.confidence],
        source_url: row[idx.source_url]
      };
      fields.forEach(function (f) { p[f] = D(row[idx[f]]); });
      return p;
    });
    var facts = {};
    raw.models.forEach(function (m) {
      if (m.catalogued) facts[m.id] = { id: m.id, name: m.name, open_weights: m.open_weights, makers: m.makers };
    });
    var byModel = {};
    points.forEach(function (p) { (byModel[p.model] = byModel[p.model] || []).push(p); });
    return {
      now: raw.now, points: points, byModel: byModel, facts: facts, models: raw.models,
      providers: raw.providers, modelNames: raw.model_names, providerNames: raw.provider_names,
      calculator: raw.calculator
    };
  }

  // ------------------------------------------------------------------ prices (analysis/prices.py)
  function inForce(p, at) { return p.valid_from <= at && (p.valid_to === null || at < p.valid_to); }

  function offersAt(points, model, at, opts) {
    opts = opts || {};
    var provider = opts.provider === undefined ? null : opts.provider;
    var tier = opts.tier || "standard";
    var mpt = opts.min_prompt_tokens || 0;
    var currency = opts.currency === undefined ? "USD" : opts.currency;
    return points.filter(function (p) {
      return p.model === model && p.tier === tier && p.min_prompt_tokens === mpt &&
        (provider === null || p.provider === provider) &&
        (currency === null || p.currency === currency) && !p.variable && inForce(p, at);
    });
  }

  function preferred(points) {
    if (!points.length) return null;
    // Two stable sorts: newest first, then plain before variants and measured before curated.
    var newest = points.slice().sort(function (a, b) { return a.valid_from < b.valid_from ? 1 : a.valid_from > b.valid_from ? -1 : 0; });
    var key = function (p) { return (p.variant !== "" ? 2 : 0) + (p.origin === "curated" ? 1 : 0); };
    return newest.sort(function (a, b) { return key(a) - key(b); })[0];
  }

  function priceAt(points, model, provider, at, tier, mpt) {
    return preferred(offersAt(points, model, at, { provider: provider, tier: tier || "standard", min_prompt_tokens: mpt || 0 }));
  }

  function strCmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function median(values) {
    var sorted = values.slice().sort(function (a, b) { return a.cmp(b); });
    var n = sorted.length;
    if (n % 2 === 1) return sorted[(n - 1) / 2];
    return sorted[n / 2 - 1].add(sorted[n / 2]).div(2);
  }

  function marketPrice(points, model, at, statistic) {
    statistic = statistic || "cheapest";
    var candidates = offersAt(points, model, at).filter(function (p) { return p.provider !== "openrouter"; });
    if (statistic !== "cheapest" && statistic !== "median") {
      candidates = candidates.filter(function (p) { return p.provider === statistic; });
    }
    candidates = candidates.filter(function (p) { return p.input !== null && p.output !== null; });
    if (!candidates.length) return null;
    if (statistic === "median") {
      var med = function (field) {
        var values = candidates.filter(function (p) { return p[field] !== null; }).map(function (p) { return p[field]; });
        return values.length ? median(values) : null;
      };
      return { statistic: "median", input: med("input"), output: med("output"), cache_read: med("cache_read"), offers: candidates };
    }
    var best = candidates[0];
    var bestKey = best.input.mul(3).add(best.output);
    candidates.slice(1).forEach(function (p) {
      var k = p.input.mul(3).add(p.output);
      var c = k.cmp(bestKey) || strCmp(p.provider, best.provider) || strCmp(p.variant, best.variant);
      if (c < 0) { best = p; bestKey = k; }
    });
    return { statistic: statistic, input: best.input, output: best.output, cache_read: best.cache_read, offers: [best] };
  }

  // ------------------------------------------------------------------ formatting (workloads.py)
  function num(value) {
    var v = value.isZero() ? Dec.zero : value.normalize();
    return group(v.toString());
  }
  function usd(value) { return "$" + num(value); }
  function pct(value) {
    var text = value.mul(100).toFixed(1);
    return (text.slice(-2) === ".0" ? text.slice(0, -2) : text) + "%";
  }
  function intGroup(n) { return group(String(n)); }

  function describePoint(p) {
    var band = p.min_prompt_tokens ? ", prompts >= " + intGroup(p.min_prompt_tokens) + " tokens" : "";
    var variant = p.variant ? ", variant " + p.variant : "";
    var until = p.valid_to ? " to " + p.valid_to.slice(0, 10) : "";
    var how = p.origin + (p.confidence ? ", " + p.confidence + " confidence" : "");
    return p.model + " at " + p.provider + " (" + p.tier + band + variant + "), valid from " + p.valid_from.slice(0, 10) + until + " (" + how + ")";
  }

  // ------------------------------------------------------------------ workloads (workloads.py)
  function MissingPrice(message) { this.message = message; }
  function Impossible(message) { this.message = message; }

  function sheetFromPoint(p) {
    return { input: p.input, output: p.output, cache_read: p.cache_read, cache_write: p.cache_write,
      cache_write_1h: p.cache_write_1h, reasoning: p.reasoning, source: describePoint(p), point: p };
  }

  function longThreshold(points, model, provider, at, tier) {
    var seen = {};
    points.forEach(function (p) {
      if (p.model === model && p.provider === provider && p.tier === tier && p.min_prompt_tokens !== 0) seen[p.min_prompt_tokens] = true;
    });
    var thresholds = Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
    for (var i = 0; i < thresholds.length; i++) {
      if (offersAt(points, model, at, { provider: provider, tier: tier, min_prompt_tokens: thresholds[i] }).length) return thresholds[i];
    }
    return null;
  }

  function workloadPricesAt(points, model, provider, at) {
    var standard = priceAt(points, model, provider, at);
    if (!standard || standard.input === null || standard.output === null) {
      throw new MissingPrice("no standard input and output price for " + model + " at " + provider + " on " + at.slice(0, 10));
    }
    var threshold = longThreshold(points, model, provider, at, "standard");
    var longPoint = threshold !== null ? priceAt(points, model, provider, at, "standard", threshold) : null;
    var batchPoint = priceAt(points, model, provider, at, "batch");
    var batchThreshold = longThreshold(points, model, provider, at, "batch");
    var batchLong = batchThreshold !== null ? priceAt(points, model, provider, at, "batch", batchThreshold) : null;
    return {
      standard: sheetFromPoint(standard),
      long_context: longPoint ? sheetFromPoint(longPoint) : null,
      long_context_threshold: longPoint ? threshold : batchThreshold,
      batch: batchPoint ? sheetFromPoint(batchPoint) : null,
      batch_long_context: batchLong ? sheetFromPoint(batchLong) : null,
      model: model, provider: provider, at: at
    };
  }



  var FIELD_WORDS = { cache_read: "cache-read", cache_write: "cache-write (5-minute)", cache_write_1h: "cache-write (1-hour)", reasoning: "reasoning" };

  function Biller(prices, onMissing) { this.prices = prices; this.onMissing = onMissing; this.lines = []; this.flags = []; this.used = []; }
  Biller.prototype.who = function () {
    var parts = [this.prices.model, this.prices.provider].filter(function (x) { return x; });
    return parts.length ? " for " + parts.join(" at ") : "";
  };
  Biller.prototype.refuseOrFlag = function (message) {
    if (this.onMissing === "refuse") throw new MissingPrice(message + " (refused: on_missing='refuse')");
    if (this.flags.indexOf(message) < 0) this.flags.push(message);
  };
  Biller.prototype.bill = function (label, tokens, sheet, segment, field, note) {
    if (tokens.isZero()) return;
    var price = sheet[field];
    var notes = note ? [note] : [];
    if (price === null || price === undefined) {
      if (field === "input" || field === "output") throw new MissingPrice("no " + field + " price known" + this.who() + " (" + segment + ")");
      var substitute = field === "reasoning" ? "output" : "input";
      price = sheet[substitute];
      if (price === null || price === undefined) throw new MissingPrice("no " + substitute + " price known" + this.who() + " (" + segment + ")");
      if (field !== "reasoning") {
        var bound = field === "cache_read" ? "an upper bound" : "likely a lower bound";
        var words = FIELD_WORDS[field];
        this.refuseOrFlag("no " + words + " price known" + this.who() + ": " + label + " billed at the input price (" + bound + ")");
        notes.push("input price: no " + words + " price");
      }
    }
    if (this.used.indexOf(sheet) < 0) this.used.push(sheet);
    this.lines.push({ label: label, tokens: tokens, usd_per_mtok: price, cost_usd: tokens.mul(price).div(1000000), price_field: field, segment: segment, fallback: notes.join("; ") || null });
  };
  Biller.prototype.sources = function () {
    return this.used.map(function (sheet) { return "price: " + (sheet.source || "given prices"); });
  };

  function lineText(line) {
    var note = line.fallback ? "  [" + line.fallback + "]" : "";
    return line.label + " (" + line.segment + "): " + num(line.tokens) + " tokens x " + usd(line.usd_per_mtok) + "/M = " + usd(line.cost_usd) + note;
  }

  // A profile: {tokens_per_day | tokens_per_month, input_share, cache_hit, cache_reading, cache_write_share, cache_write_ttl, days_per_month}
  function profileOf(spec) {
    var p = {
      tokens_per_day: D(spec.tokens_per_day), tokens_per_month: D(spec.tokens_per_month),
      input_share: D(spec.input_share === undefined ? "0.75" : spec.input_share),
      cache_hit: D(spec.cache_hit || "0"), cache_reading: spec.cache_reading || "input",
      cache_write_share: D(spec.cache_write_share || "0"), cache_write_ttl: spec.cache_write_ttl || "5m",
      days_per_month: D(spec.days_per_month || "30")
    };
    if ((p.tokens_per_day === null) === (p.tokens_per_month === null)) throw new Impossible("give tokens per day or tokens per month (exactly one of them)");
    var tokens = p.tokens_per_day !== null ? p.tokens_per_day : p.tokens_per_month;
    if (tokens.sign() < 0) throw new Impossible("tokens cannot be negative (" + num(tokens) + ")");
    ["input_share", "cache_hit", "cache_write_share"].forEach(function (name) {
      var v = p[name];
      if (v.sign() < 0 || v.gt(1)) throw new Impossible(name.replace(/_/g, " ") + " must be a share between 0 and 1 (0.9 for 90%), not " + v.toString());
    });
    if (p.days_per_month.sign() <= 0) throw new Impossible("days per month must be positive");
    if (p.cache_reading === "all" && p.cache_hit.gt(p.input_share)) {
      throw new Impossible(pct(p.cache_hit) + " of all tokens cannot be cache reads when only " + pct(p.input_share) + " are input");
    }
    if (p.cache_reading === "input" && p.cache_hit.sign() > 0 && p.input_share.isZero()) throw new Impossible("a cache-hit rate needs input tokens, but the input share is 0");
    p.input_cache_hit = p.cache_reading === "input" ? p.cache_hit : (p.input_share.isZero() ? Dec.zero : p.cache_hit.div(p.input_share));
    if (p.input_cache_hit.add(p.cache_write_share).gt(1)) {
      throw new Impossible("cache reads (" + pct(p.input_cache_hit) + " of input) and cache writes (" + pct(p.cache_write_share) + " of input) add up to more than the input tokens");
    }
    p.tokens_in_month = p.tokens_per_month !== null ? p.tokens_per_month : p.tokens_per_day.mul(p.days_per_month);
    return p;
  }

  // The monthly cost of a profile at a provider's prices (standard tier, base context).
  function workloadCost(profile, prices, onMissing) {
    var biller = new Biller(prices, onMissing || "input_price");
    var total = profile.tokens_in_month;
    var s = profile.input_share;
    var inputTokens = total.mul(s);
    var outputTokens = total.mul(Dec.one.sub(s));
    var cacheReads = inputTokens.mul(profile.input_cache_hit);
    var cacheWrites = inputTokens.mul(profile.cache_write_share);
    var uncached = inputTokens.sub(cacheReads).sub(cacheWrites);
    var writeField = profile.cache_write_ttl === "5m" ? "cache_write" : "cache_write_1h";
    var segment = "standard, base context";
    var sheet = prices.standard;
    biller.bill("uncached input", uncached, sheet, segment, "input", null);
    biller.bill("cache reads", cacheReads, sheet, segment, "cache_read", null);
    biller.bill("cache writes (" + profile.cache_write_ttl + ")", cacheWrites, sheet, segment, writeField, null);
    biller.bill("output", outputTokens, sheet, segment, "output", null);
    var sum = biller.lines.reduce(function (acc, l) { return acc.add(l.cost_usd); }, Dec.zero);
    var assumptions = [];
    if (profile.tokens_per_day !== null) {
      assumptions.push(num(profile.tokens_per_day) + " tokens per day x " + num(profile.days_per_month) + " days per month = " + num(profile.tokens_in_month) + " tokens per month (input + output)");
    } else {
      assumptions.push(num(profile.tokens_in_month) + " tokens per month (input + output)");
    }
    assumptions.push("input:output split " + pct(s) + " / " + pct(Dec.one.sub(s)) + ": " + num(inputTokens) + " input, " + num(outputTokens) + " output tokens");
    if (profile.cache_hit.isZero()) assumptions.push("no cache reads");
    else if (profile.cache_reading === "input") assumptions.push("cache-hit rate " + pct(profile.cache_hit) + ' read as a share of INPUT tokens (reading "input"): ' + num(cacheReads) + " cache-read tokens");
    else assumptions.push("cache-hit rate " + pct(profile.cache_hit) + ' read as a share of ALL tokens (reading "all"): ' + pct(profile.cache_hit) + " / " + pct(s) + " = " + pct(profile.input_cache_hit) + " of input tokens, " + num(cacheReads) + " cache-read tokens");
    if (profile.cache_write_share.isZero()) assumptions.push("no cache writes");
    else assumptions.push("cache writes: " + pct(profile.cache_write_share) + " of input tokens (" + (profile.cache_write_ttl === "5m" ? "5-minute" : "1-hour") + " cache), " + num(cacheWrites) + " tokens");
    assumptions.push("uncached input = input - cache reads - cache writes");
    assumptions.push("no requests above the long-context threshold");
    assumptions.push("no batch: every token at the standard tier");
    assumptions.push("no reasoning tokens");
    assumptions.push("list prices in USD per million tokens; no discounts other than those named above");
    assumptions = assumptions.concat(biller.sources());
    var arithmetic = biller.lines.map(lineText);
    arithmetic.push("total: " + (biller.lines.map(function (l) { return usd(l.cost_usd); }).join(" + ") || "$0") + " = " + usd(sum));
    return {
      lines: biller.lines, total_usd: sum, monthly_cost_usd: sum, daily_cost_usd: sum.div(profile.days_per_month),
      assumptions: assumptions.concat(biller.flags), flags: biller.flags, arithmetic: arithmetic, prices: prices, profile: profile
    };
  }

  function requestCost(prices, nIn, nOut, nRead, onMissing) {
    nIn = Dec.of(nIn); nOut = Dec.of(nOut); nRead = Dec.of(nRead || 0);
    var nWrite = Dec.zero;
    if (nIn.sign() < 0 || nOut.sign() < 0 || nRead.sign() < 0) throw new Impossible("token counts cannot be negative");
    if (nRead.add(nWrite).gt(nIn)) throw new Impossible("cache reads (" + num(nRead) + ") and writes (" + num(nWrite) + ") cannot exceed the input tokens (" + num(nIn) + ")");
    var biller = new Biller(prices, onMissing || "input_price");
    var segment = "standard, base context";
    biller.bill("uncached input", nIn.sub(nRead).sub(nWrite), prices.standard, segment, "input", null);
    biller.bill("cache reads", nRead, prices.standard, segment, "cache_read", null);
    biller.bill("cache writes (5m)", nWrite, prices.standard, segment, "cache_write", null);
    biller.bill("output", nOut, prices.standard, segment, "output", null);
    var assumptions = ["one request: " + num(nIn) + " input tokens (" + num(nRead) + " cache reads, " + num(nWrite) + " cache writes), " + num(nOut) + " output tokens",
      "standard tier, base-context list prices in USD per million tokens"];
    assumptions = assumptions.concat(biller.sources(), biller.flags);
    return { lines: biller.lines, total_usd: biller.lines.reduce(function (acc, l) { return acc.add(l.cost_usd); }, Dec.zero), assumptions: assumptions, flags: biller.flags };
  }

  function blendedPrice(a, b) {
    if (a === null || b === null) return null;
    return a.mul(3).add(b.mul(1)).div(4);
  }

  // ------------------------------------------------------------------ claims (claims.py)
  var TOLERANCE = "0.15";
  var PRICE_WORDS = { input: "input", output: "output", blended: "3:1 blended", cache_read: "cache-read", cache_write: "cache-write" };

  function fmt(value, unit) {
    unit = unit || "";
    if (value === null || value === undefined) return "?";
    var d = Dec.of(value);
    var magnitude = d.abs();
    var text;
    if (unit === "$" && magnitude.ge(1)) {
      text = group(d.toFixed(2));
    } else if (magnitude.ge(1000)) {
      text = group(d.toFixed(0));
    } else if (magnitude.ge(100)) {
      text = group(d.toFixed(1)).replace(/0+$/, "").replace(/\.$/, "");
    } else if (magnitude.ge(1) || magnitude.isZero()) {
      text = d.toFixed(2);
      if (unit !== "$") text = text.replace(/0+$/, "").replace(/\.$/, "");
    } else {
      var exponent = magnitude.adjusted();
      text = d.toFixed(Math.max(2, 3 - exponent)).replace(/0+$/, "");
      if (unit === "$" && (text.split(".")[1] || "").length < 2) text = d.toFixed(2);
      text = text.replace(/\.$/, "");
    }
    if (unit === "$") return text.charAt(0) === "-" ? "-$" + text.slice(1) : "$" + text;
    if (unit === "%") return text + "%";
    if (unit === "x") return text + "x";
    return text + (unit ? " " + unit : "");
  }

  function exact(value) { return Dec.of(value).toString(); }
  // A token count with thousands separators and no trailing zeros (202,500,000).
  function count(value) { return group(Dec.of(value).toString()); }
  function day(at) { return (at || "").slice(0, 10); }

  function figureText(f, unit) {
    unit = unit || "";
    var low = f.low === null ? null : Dec.of(f.low), high = f.high === null ? null : Dec.of(f.high);
    if (low !== null && high !== null && low.eq(high)) return fmt(low, unit);
    if (low !== null && high !== null) return fmt(low, unit) + "-" + fmt(high, unit);
    if (low !== null) return "at least " + fmt(low, unit);
    if (high !== null) return "at most " + fmt(high, unit);
    return "any";
  }
  function pointFigure(v) { var s = Dec.of(v).toString(); return { low: s, high: s }; }
  function isPoint(f) { return f.low !== null && f.high !== null && Dec.of(f.low).eq(Dec.of(f.high)); }

  function compare(label, unit, claimed, actual, tolerance) {
    var low = claimed.low === null ? null : Dec.of(claimed.low);
    var high = claimed.high === null ? null : Dec.of(claimed.high);
    var t = Dec.of(tolerance);
    var lowOk = low === null || actual.ge(low.mul(Dec.one.sub(t)));
    var highOk = high === null || actual.le(high.mul(Dec.one.add(t)));
    var factor = Dec.one, direction = null, infinite = false;
    if (low !== null && actual.lt(low)) {
      if (actual.sign() > 0) factor = low.div(actual); else infinite = true;
      direction = "overstated";
    } else if (high !== null && actual.gt(high)) {
      if (high.sign() > 0) factor = actual.div(high); else infinite = true;
      direction = "understated";
    }
    factor = infinite ? Dec.of("1e9") : tidy(factor);
    return { label: label, unit: unit, claimed: claimed, actual: tidy(actual), holds: lowOk && highOk, factor: factor, direction: direction, decisive: true };
  }

  // A result to 20 significant digits, so a quotient reads 6.8, not 6.799999999999999999999999997.
  function tidy(value) {
    if (value.isZero()) return value;
    return value.roundTo(20).normalize();
  }

  function Missing(message) { this.message = message; }

  function name(facts, model) { var f = facts[model]; return f ? f.name : model; }

  function refEq(a, b) {
    return a.model === b.model && (a.provider || null) === (b.provider || null) && (a.statistic || "auto") === (b.statistic || "auto");
  }

  function sheetFor(ref, points, facts, at) {
    var fact = facts[ref.model];
    var nm = name(facts, ref.model);
    var prices;
    if (ref.provider) {
      try {
        prices = workloadPricesAt(points, ref.model, ref.provider, at);
      } catch (e) {
        if (e instanceof MissingPrice) throw new Missing("no price for " + nm + " at " + ref.provider + " in force on " + day(at));
        throw e;
      }
      return { prices: prices, points: pricePoints(prices), chosen_by: "named provider " + ref.provider, where: "at " + ref.provider };
    }
    var statistic = ref.statistic || "auto";
    if (statistic === "auto" || statistic === "retail") {
      var makers = fact ? fact.makers : [];
      for (var i = 0; i < makers.length; i++) {
        try {
          prices = workloadPricesAt(points, ref.model, makers[i], at);
        } catch (e) {
          if (e instanceof MissingPrice) continue;
          throw e;
        }
        return { prices: prices, points: pricePoints(prices), chosen_by: "retail: the maker's own price (" + makers[i] + ")", where: "at " + makers[i] };
      }
      if (statistic === "retail") throw new Missing("no retail (maker's own) price for " + nm + " in force on " + day(at));
      statistic = "cheapest"; // "auto" as analysis.ratios' basis: retail, else the market
    }
    var market = marketPrice(points, ref.model, at, statistic);
    if (!market) throw new Missing("no host price for " + nm + " in force on " + day(at));
    if (statistic === "cheapest") {
      var best = market.offers[0];
      var considered = {};
      offersAt(points, ref.model, at).forEach(function (p) { if (p.provider !== "openrouter") considered[p.provider] = true; });
      return {
        prices: { standard: sheetFromPoint(best), long_context: null, batch: null, batch_long_context: null, model: ref.model, provider: best.provider, at: at },
        points: [best], chosen_by: "cheapest of " + Object.keys(considered).length + " host(s) by 3:1 blended price",
        where: "at the cheapest host (" + best.provider + ")"
      };
    }
    var n = market.offers.length;
    return {
      prices: { standard: { input: market.input, output: market.output, cache_read: market.cache_read, cache_write: null, cache_write_1h: null, reasoning: null, source: "median of " + n + " hosts", point: null },
        long_context: null, batch: null, batch_long_context: null, model: ref.model, provider: "median", at: at },
      points: market.offers, chosen_by: "median of " + n + " hosts", where: "at the median of " + n + " hosts"
    };
  }

  function pricePoints(prices) {
    return [prices.standard, prices.long_context, prices.batch, prices.batch_long_context]
      .filter(function (s) { return s && s.point; }).map(function (s) { return s.point; });
  }

  function txt(v) { return v === null || v === undefined ? null : Dec.of(v).toString(); }

  function used(role, sheet, facts) {
    return sheet.points.filter(function (p) { return p.min_prompt_tokens === 0 && p.tier === "standard"; }).map(function (p) {
      return { role: role, model: p.model, model_name: name(facts, p.model), provider: p.provider, tier: p.tier,
        min_prompt_tokens: p.min_prompt_tokens, variant: p.variant, input: txt(p.input), output: txt(p.output),
        cache_read: txt(p.cache_read), cache_write: txt(p.cache_write), currency: p.currency, valid_from: p.valid_from,
        valid_to: p.valid_to, origin: p.origin, confidence: p.confidence, source_url: p.source_url, chosen_by: sheet.chosen_by };
    });
  }

  function Work() { this.comparisons = []; this.prices = []; this.steps = []; this.assumptions = []; this.missing = []; this.summary = ""; }
  Work.prototype.step = function (label, formula, result) { this.steps.push({ label: label, formula: formula, result: result }); };

  function priceValue(sheet, which, label, work, facts) {
    var s = sheet.prices.standard;
    var nm = name(facts, sheet.prices.model);
    if (which === "blended") {
      var value = blendedPrice(s.input, s.output);
      if (value === null) throw new Missing("no input and output price for " + nm + " " + sheet.where);
      work.step(label + ": " + nm + " blended price " + sheet.where, "(3 x $" + exact(s.input) + " input + 1 x $" + exact(s.output) + " output) / 4", fmt(value, "$") + " per million tokens");
      return value;
    }
    var v = s[which];
    if (v === null || v === undefined) throw new Missing("no " + PRICE_WORDS[which] + " price for " + nm + " " + sheet.where);
    work.step(label + ": " + nm + " " + PRICE_WORDS[which] + " price " + sheet.where, "$" + exact(v) + " per million tokens", fmt(v, "$"));
    return v;
  }

  function evalPrice(claim, points, facts, at, work) {
    var sheet = sheetFor(refOf(claim), points, facts, at);
    work.prices = work.prices.concat(used("the model", sheet, facts));
    var nm = name(facts, claim.model);
    var fields = ["input", "output", "cache_read", "cache_write"].filter(function (f) { return claim[f] !== null && claim[f] !== undefined; });
    if (!fields.length) throw new Missing("the claim names no price (input, output, cache read or cache write)");
    fields.forEach(function (field) {
      var claimed = Dec.of(claim[field]);
      var actual = sheet.prices.standard[field];
      if (actual === null || actual === undefined) {
        work.missing.push("no " + PRICE_WORDS[field] + " price for " + nm + " " + sheet.where + " on " + day(at));
        return;
      }
      work.step(PRICE_WORDS[field] + " price of " + nm + " " + sheet.where, "stored $" + exact(actual) + " per million tokens; claimed $" + exact(claimed),
        fmt(claimed.isZero() ? Dec.one : actual.div(claimed), "x") + " the claimed figure");
      work.comparisons.push(compare(PRICE_WORDS[field], "USD per million tokens", pointFigure(claimed), actual, claim.tolerance));
    });
    if (work.missing.length && !work.comparisons.length) throw new Missing(work.missing.shift());
    var actualText = work.comparisons.map(function (c) { return fmt(c.actual, "$"); }).join(" / ");
    var claimedText = work.comparisons.map(function (c) { return figureText(c.claimed, "$"); }).join(" / ");
    var labels = work.comparisons.map(function (c) { return c.label; }).join(" / ");
    work.summary = nm + " " + sheet.where + ": " + labels + " " + actualText + " per million tokens (claimed " + claimedText + ")";
  }

  function ratioValue(form, a, b) {
    if (form === "times_cheaper") {
      if (a.isZero()) throw new Missing("price A is 0: a ratio to a free price has no meaning");
      return b.div(a);
    }
    if (b.isZero()) throw new Missing("price B is 0: a share of a free price has no meaning");
    return Dec.of(100).mul(a).div(b);
  }

  function evalRatio(claim, points, facts, at, work) {
    var same = refEq(claim.a, claim.b);
    var sheetA = sheetFor(claim.a, points, facts, at);
    var sheetB = same ? sheetA : sheetFor(claim.b, points, facts, at);
    work.prices = work.prices.concat(used("A", sheetA, facts));
    if (!same) work.prices = work.prices.concat(used("B", sheetB, facts));
    var nameA = name(facts, claim.a.model), nameB = name(facts, claim.b.model);
    var aPrice = claim.a_price || "blended", bPrice = claim.b_price || "blended";
    var a = priceValue(sheetA, aPrice, "A", work, facts);
    var b = priceValue(sheetB, bPrice, "B", work, facts);
    var actual = ratioValue(claim.form, a, b);
    var claimed = claim.claimed;
    var unit;
    if (claim.form === "times_cheaper") {
      unit = "x";
      work.step("ratio", "B / A = $" + exact(b) + " / $" + exact(a), fmt(actual, "x"));
    } else {
      unit = "%";
      work.step("share", "100 x A / B = 100 x $" + exact(a) + " / $" + exact(b), fmt(actual, "%"));
      if (claim.form === "percent_cheaper") {
        claimed = { low: claimed.high === null ? null : Dec.of(100).sub(claimed.high).toString(), high: claimed.low === null ? null : Dec.of(100).sub(claimed.low).toString() };
        work.step("claimed share", "100% - " + figureText(claim.claimed, "%") + " cheaper", figureText(claimed, "%"));
      }
    }
    var label = PRICE_WORDS[aPrice] + (aPrice === bPrice ? "" : " vs " + PRICE_WORDS[bPrice]);
    work.comparisons.push(compare(label, unit, claimed, actual, claim.tolerance));
    if (aPrice === "blended" && bPrice === "blended") {
      ["input", "output"].forEach(function (field) {
        var pa = sheetA.prices.standard[field], pb = sheetB.prices.standard[field];
        if (pa === null || pb === null || (claim.form === "times_cheaper" && pa.isZero()) || pb.isZero()) return;
        var value = ratioValue(claim.form, pa, pb);
        var shown = claim.form === "times_cheaper" ? "B / A = $" + exact(pb) + " / $" + exact(pa) : "100 x $" + exact(pa) + " / $" + exact(pb);
        work.step(field + " only (for context)", shown, fmt(value, unit));
        var c = compare(field, unit, claimed, value, claim.tolerance);
        c.decisive = false;
        work.comparisons.push(c);
      });
    }
    var relation;
    if (claim.form === "times_cheaper") relation = "is " + fmt(actual, "x") + " cheaper than";
    else if (claim.form === "percent_of") relation = "costs " + fmt(actual, "%") + " of";
    else relation = "is " + fmt(Dec.of(100).sub(actual), "%") + " cheaper than";
    var context = work.comparisons.filter(function (c) { return !c.decisive; }).map(function (c) { return c.label + " " + fmt(c.actual, unit); }).join(", ");
    var what = same ? "" : " " + PRICE_WORDS[aPrice] + " price";
    var aText = nameA + (same ? " " + PRICE_WORDS[aPrice] : "") + " " + sheetA.where;
    var bText = nameB + (same ? " " + PRICE_WORDS[bPrice] : "") + " " + sheetB.where;
    work.summary = aText + " " + relation + " " + bText + (what ? " on the" + what : "") + (context ? " (" + context + ")" : "") + "; claimed " + figureText(claim.claimed, unit);
  }

  function evalRequestCost(claim, points, facts, at, work) {
    var sheet = sheetFor(refOf(claim), points, facts, at);
    work.prices = work.prices.concat(used("the model", sheet, facts));
    var bill;
    try {
      bill = requestCost(sheet.prices, claim.input_tokens, claim.output_tokens, claim.cache_read_tokens || 0, "refuse");
    } catch (e) {
      if (e instanceof MissingPrice) throw new Missing(e.message);
      if (e instanceof Impossible) throw new Missing("a possible request: " + e.message);
      throw e;
    }
    bill.lines.forEach(function (line) {
      work.step(line.label, count(line.tokens) + " tokens x $" + exact(line.usd_per_mtok) + " / 1,000,000", fmt(line.cost_usd, "$"));
    });
    work.step("total", bill.lines.map(function (l) { return fmt(l.cost_usd, "$"); }).join(" + ") || "$0", fmt(bill.total_usd, "$"));
    work.assumptions = work.assumptions.concat(bill.assumptions);
    work.comparisons.push(compare("cost", "USD", claim.claimed, bill.total_usd, claim.tolerance));
    work.summary = intGroup(claim.input_tokens) + " input + " + intGroup(claim.output_tokens) + " output tokens on " + name(facts, claim.model) + " " + sheet.where + " cost " + fmt(bill.total_usd, "$") + " (claimed " + figureText(claim.claimed, "$") + ")";
  }

  var EVALUATORS = { price: evalPrice, ratio: evalRatio, request_cost: evalRequestCost };
  var PRICED = ["price", "ratio", "request_cost", "workload"];

  function refOf(claim) { return { model: claim.model, provider: claim.provider || null, statistic: claim.statistic || "auto" }; }

  function modelsOf(claim) {
    if (claim.kind === "ratio") { var s = {}; s[claim.a.model] = true; s[claim.b.model] = true; return s; }
    var out = {};
    if (claim.model) out[claim.model] = true;
    return out;
  }

  function judge(claim, points, facts, at) {
    var work = new Work();
    var evaluator = EVALUATORS[claim.kind];
    try {
      if (!evaluator) throw new Missing("this kind of claim (" + claim.kind + ") is checked by `pricewatch check`, not in the browser");
      evaluator(claim, points, facts, at, work);
    } catch (e) {
      if (e instanceof Missing) work.missing.unshift(e.message); else throw e;
    }
    var decisive = work.comparisons.filter(function (c) { return c.decisive; });
    var verdict, summary, factor = null, direction = null;
    var allHold = decisive.every(function (c) { return c.holds; });
    if (work.missing.length && !decisive.length) {
      verdict = "cannot_check";
      summary = "cannot be checked: " + work.missing.join("; ");
    } else if (allHold && !work.missing.length) {
      verdict = "holds"; summary = work.summary;
    } else if (allHold) {
      verdict = "cannot_check"; summary = work.summary + "; but cannot check: " + work.missing.join("; ");
    } else {
      var worst = null;
      decisive.forEach(function (c) { if (!c.holds && (worst === null || c.factor.gt(worst.factor))) worst = c; });
      verdict = "off"; factor = worst.factor; direction = worst.direction;
      summary = direction + " " + fmt(factor, "x") + ": " + work.summary;
    }
    return { verdict: verdict, kind: claim.kind, at: at, summary: summary, claim: claim, comparisons: work.comparisons,
      factor: factor, direction: direction, held_from: null, held_until: null, missing: work.missing,
      prices: work.prices, steps: work.steps, assumptions: work.assumptions };
  }

  function asTime(at) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(at)) return at + "T23:59:59Z";
    return at;
  }

  function withDefaults(claim) {
    var c = JSON.parse(JSON.stringify(claim));
    if (c.tolerance === undefined || c.tolerance === null) c.tolerance = TOLERANCE;
    if (c.kind === "price" || c.kind === "request_cost") {
      if (c.provider === undefined) c.provider = null;
      if (c.statistic === undefined) c.statistic = "auto";
    }
    if (c.kind === "price") ["input", "output", "cache_read", "cache_write"].forEach(function (f) { if (c[f] === undefined) c[f] = null; });
    if (c.kind === "request_cost" && c.cache_read_tokens === undefined) c.cache_read_tokens = 0;
    if (c.kind === "ratio") {
      ["a", "b"].forEach(function (k) { if (c[k].provider === undefined) c[k].provider = null; if (!c[k].statistic) c[k].statistic = "auto"; });
      if (!c.a_price) c.a_price = "blended";
      if (!c.b_price) c.b_price = "blended";
    }
    if (c.claimed !== undefined && (typeof c.claimed !== "object" || c.claimed === null)) c.claimed = pointFigure(c.claimed);
    if (c.claimed && c.claimed.low !== null && c.claimed.low !== undefined) c.claimed.low = Dec.of(c.claimed.low).toString();
    if (c.claimed && c.claimed.high !== null && c.claimed.high !== undefined) c.claimed.high = Dec.of(c.claimed.high).toString();
    if (c.text === undefined) c.text = "";
    return c;
  }

  // The verdict on a structured claim as of `at`, walking the history for "stale" (claims.evaluate).
  function evaluate(data, claim, at) {
    claim = withDefaults(claim);
    at = asTime(at || data.now);
    var models = modelsOf(claim);
    var relevant = Object.keys(models).length ? data.points.filter(function (p) { return models[p.model]; }) : data.points;
    var verdict = judge(claim, relevant, data.facts, at);
    if (PRICED.indexOf(claim.kind) < 0) return verdict;
    var seen = {};
    relevant.forEach(function (p) {
      [p.valid_from, p.valid_to].forEach(function (t) { if (t !== null && t <= at) seen[t] = true; });
    });
    var times = Object.keys(seen).sort();
    var runs = [], start = null;
    times.forEach(function (t) {
      var holds = (t === at ? verdict : judge(claim, relevant, data.facts, t)).verdict === "holds";
      if (holds && start === null) start = t;
      else if (!holds && start !== null) { runs.push([start, t]); start = null; }
    });
    if (start !== null) runs.push([start, null]);
    if (verdict.verdict === "holds") {
      verdict.held_from = runs.length && runs[runs.length - 1][1] === null ? runs[runs.length - 1][0] : null;
      return verdict;
    }
    if (!runs.length) return verdict;
    var last = runs[runs.length - 1];
    verdict.verdict = "stale";
    verdict.held_from = last[0];
    verdict.held_until = last[1];
    verdict.summary = "held from " + day(last[0]) + " to " + day(last[1]) + ", no longer: " + verdict.summary;
    return verdict;
  }

  var ALL_ORDER = { off: 0, stale: 1, cannot_check: 2, holds: 3 };
  var ANY_ORDER = { holds: 0, stale: 1, off: 2, cannot_check: 3 };
  function combine(verdicts, how) {
    if (!verdicts.length) return "cannot_check";
    var order = how === "any" ? ANY_ORDER : ALL_ORDER;
    return verdicts.reduce(function (best, v) { return order[v] < order[best] ? v : best; });
  }

  // JSON form (pydantic's model_dump(mode="json")): decimals as exact text.
  function verdictJson(v) {
    return {
      verdict: v.verdict, kind: v.kind, at: v.at, summary: v.summary, claim: v.claim,
      comparisons: v.comparisons.map(function (c) {
        return { label: c.label, unit: c.unit, claimed: c.claimed, actual: c.actual.toString(), holds: c.holds,
          factor: c.factor.toString(), direction: c.direction, decisive: c.decisive };
      }),
      factor: v.factor === null ? null : v.factor.toString(), direction: v.direction,
      held_from: v.held_from, held_until: v.held_until, missing: v.missing, prices: v.prices, steps: v.steps, assumptions: v.assumptions
    };
  }

  // ------------------------------------------------------------------ reading claims (claim_text.py)
  var NUM = "\\d[\\d,]*(?:\\.\\d+)?";
  var SCALE = "(?:k|thousand|mn|mil|million|m|bn|billion|b)\\b";
  var SCALES = { k: 1e3, thousand: 1e3, m: 1e6, mn: 1e6, mil: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9 };
  var DASH = "\\s*(?:-|–|—|to)\\s*";
  var FORMS = [
    "<model> costs $<in>/$<out> per million tokens [on <provider>]",
    "<model A> is <N>x cheaper than <model B>",
    "<model A> costs <P>% of <model B>",
    "<N> input and <M> output tokens cost $<X> on <model>",
    "<N> [million] tokens per day with <H>% cache hits and a <a>/<b> input/output split costs $<X>[-$<Y>] per month on <model>",
    "<price|cost> fell <N>x in <Y> years",
    "prices fall <P>% per year"
  ];
  function tokensRe(n) { return "(?<" + n + ">" + NUM + ")\\s*(?<" + n + "_scale>" + SCALE + ")?"; }
  function moneyRe(n) { return "\\$\\s?(?<" + n + ">" + NUM + ")\\s*(?<" + n + "_scale>k|K|thousand|M|million|B|billion)?(?![\\w.])"; }
  var PER_MILLION = "(?:per|/|a|for\\s+every|for\\s+each)\\s*(?:1\\s*)?(?:million|mil|m|mtok|mtoks)\\b(?:\\s+tokens)?";
  var PER_THOUSAND = "(?:per|/|a|for\\s+every|for\\s+each)\\s*(?:1\\s*)?(?:thousand|k|1,000)\\b(?:\\s+tokens)?";
  var END = "\\s*[.!]?\\s*$";
  var RE = {
    workload: new RegExp("^(?:a\\s+user\\s+(?:processing|using|sending)\\s+)?" + tokensRe("t1") + "(?:" + DASH + tokensRe("t2") + ")?\\s+tokens\\s+(?:per|a|/|each)\\s*(?<period>day|month)\\s+with\\s+(?:a\\s+)?(?<hit>" + NUM + ")\\s*%\\s+cache[- ]hits?(?:\\s+rate)?,?\\s+and\\s+(?:a|an)\\s+(?<a>" + NUM + ")\\s*/\\s*(?<b>" + NUM + ")\\s+input\\s*/\\s*output\\s+split\\s+(?:costs?|is|comes\\s+to)\\s+(?:about\\s+|roughly\\s+|~\\s*)?" + moneyRe("x") + "(?:" + DASH + moneyRe("y") + ")?\\s*(?:per|a|/)\\s*(?<per>month|day)\\s+on\\s+(?<model>.+?)" + END, "i"),
    request: new RegExp("^" + tokensRe("inp") + "\\s+input(?:\\s+tokens)?\\s*(?:,|and|\\+|plus|with)\\s*" + tokensRe("out") + "\\s+output(?:\\s+tokens)?\\s+(?:costs?|is|=|comes\\s+to)\\s+(?:about\\s+|roughly\\s+|~\\s*)?" + moneyRe("usd") + "\\s+(?:on|with|using|for|via)\\s+(?<model>.+?)" + END, "i"),
    pricePair: new RegExp("^(?<model>.+?)\\s+(?:costs?|is\\s+priced\\s+at|charges?|is|are|=|:)\\s+" + moneyRe("inp") + "\\s*(?:input\\s*)?/\\s*" + moneyRe("out") + "\\s*(?:output\\s*)?(?<unit>" + PER_MILLION + "|" + PER_THOUSAND + ")(?:\\s+(?:input\\s*/\\s*output\\s+)?tokens)?(?:\\s+(?:on|at|via|from|through)\\s+(?<provider>.+?))?" + END, "i"),
    priceSplit: new RegExp("^(?<model>.+?)\\s+(?:costs?|is\\s+priced\\s+at|charges?|is|are)\\s+" + moneyRe("inp") + "\\s*(?<unit>" + PER_MILLION + "|" + PER_THOUSAND + ")?\\s*(?:input|prompt)(?:\\s+tokens)?(?:\\s*,)?\\s+(?:and|plus|\\+)\\s+" + moneyRe("out") + "\\s*(?<unit2>" + PER_MILLION + "|" + PER_THOUSAND + ")?\\s*(?:output|completion)(?:\\s+tokens)?(?:\\s+(?:on|at|via|from|through)\\s+(?<provider>.+?))?" + END, "i"),
    times: new RegExp("^(?<a>.+?)\\s+(?:is|are|costs?|runs?)\\s+(?:about\\s+|roughly\\s+|around\\s+|nearly\\s+|~\\s*)?(?<n>" + NUM + ")(?:" + DASH + "(?<n2>" + NUM + "))?\\s*(?:x|×|times|-fold|fold)\\s+(?<dir>cheaper|less\\s+expensive|less|more\\s+expensive|pricier|costlier|dearer|more)\\s+(?:than\\s+)?(?<b>.+?)" + END, "i"),
    percentCheaper: new RegExp("^(?<a>.+?)\\s+(?:is|are|costs?)\\s+(?:about\\s+|roughly\\s+|~\\s*)?(?<p>" + NUM + ")\\s*%\\s+(?:cheaper|less(?:\\s+expensive)?)\\s+than\\s+(?<b>.+?)" + END, "i"),
    percentOf: new RegExp("^(?<a>.+?)\\s+(?:costs?|is|are|runs?\\s+at)\\s+(?:about\\s+|roughly\\s+|around\\s+|~\\s*)?(?<p>" + NUM + ")(?:" + DASH + "(?<p2>" + NUM + "))?\\s*%\\s+of\\s+(?:the\\s+(?:price|cost)\\s+of\\s+)?(?<b>.+?)" + END, "i"),
    trendFold: new RegExp("^(?:the\\s+)?(?:(?:llm|ai|model|token|api|inference)\\s+)*(?:price|cost)s?(?:\\s+of\\s+.+?)?\\s+(?:fell|dropped|declined|fall|falls|drop|drops|have\\s+fallen|has\\s+fallen|came\\s+down)\\s+(?:by\\s+)?(?:about\\s+|roughly\\s+|~\\s*)?(?<n>" + NUM + ")(?:" + DASH + "(?<n2>" + NUM + "))?\\s*(?:x|×|-fold|fold|times)\\s+(?:in|over|within)\\s+(?:the\\s+(?:last|past)\\s+)?(?<y>" + NUM + "|one|two|three|four|five|six|seven|eight|nine|ten)\\s+years?" + END, "i"),
    trendPercent: new RegExp("^(?:the\\s+)?(?:(?:llm|ai|model|token|api|inference)\\s+)*(?:price|cost)s?\\s+(?:fall|falls|drop|drops|decline|declines|(?:is|are)\\s+(?:falling|dropping|declining))\\s+(?:by\\s+)?(?:about\\s+|roughly\\s+|~\\s*)?(?<p>" + NUM + ")(?:" + DASH + "(?<p2>" + NUM + "))?\\s*%\\s*(?<plus>\\+|or\\s+more)?\\s*(?:(?:per|a|each|every)\\s+year|annually|yearly)" + END, "i")
  };

  function ClaimError(message) { this.message = message; }

  function normaliseName(text) { return text.trim().toLowerCase().replace(/\s+/g, " "); }
  function parseNumber(text) { return Dec.of(text.trim().replace(/,/g, "")); }
  function scaled(number, scale) {
    var v = parseNumber(number);
    if (scale) v = v.mul(Dec.of(SCALES[scale.trim().toLowerCase()]));
    return v;
  }
  function normaliseText(text) {
    text = text.replace(/\u00a0/g, " ").replace(/\s+/g, " ").trim();
    text = text.replace(/’/g, "'").replace(/‘/g, "'").replace(/“/g, '"').replace(/”/g, '"');
    text = text.replace(/[*_`]{1,2}/g, "");
    return text.trim().replace(/^"+|"+$/g, "").trim();
  }
  var FILLER = /^(?:the|a|an|using|on|with)\s+|(?:'s|’s)?\s+(?:api\s+|retail\s+|list\s+)*(?:prices?|pricing|rates?|costs?|api)$|["'“”‘’]/gi;
  function stripChars(text, chars) {
    var start = 0, end = text.length;
    while (start < end && chars.indexOf(text.charAt(start)) >= 0) start++;
    while (end > start && chars.indexOf(text.charAt(end - 1)) >= 0) end--;
    return text.slice(start, end);
  }
  function clean(phrase) {
    phrase = phrase.replace(/\([^)]*\)/g, " ");
    var previous = null;
    while (previous !== phrase) {
      previous = phrase;
      phrase = stripChars(phrase.trim(), " \t.,;:!?").replace(FILLER, "").trim();
    }
    return phrase;
  }
  function variants(phrase) {
    phrase = phrase.trim();
    var out = [phrase, phrase.replace(/\s+/g, "-"), phrase.replace(/[\s-]+/g, " ")];
    if (/^(opus|sonnet|haiku)\b/.test(phrase.toLowerCase())) out.push("Claude " + phrase);
    return out.filter(function (v, i) { return out.indexOf(v) === i; });
  }
  function resolveModel(data, phrase) {
    var cleaned = clean(phrase);
    var vs = variants(cleaned);
    for (var i = 0; i < vs.length; i++) {
      var id = data.modelNames[normaliseName(vs[i])];
      if (id) return id;
    }
    var suggestions = suggest(data, cleaned);
    throw new ClaimError("Unknown model: " + cleaned + (suggestions.length ? "; did you mean " + suggestions.join(", ") + "?" : ""));
  }
  function resolveProvider(data, phrase) {
    var cleaned = clean(phrase.replace(/\b(?:api|platform)\b/gi, " "));
    var candidates = [cleaned, cleaned.replace(/ /g, "-"), cleaned.replace(/ /g, "")];
    for (var i = 0; i < candidates.length; i++) {
      var id = data.providerNames[normaliseName(candidates[i])];
      if (id) return id;
    }
    throw new ClaimError("Unknown provider: " + cleaned);
  }

  // difflib.SequenceMatcher(None, a, b).ratio() and get_close_matches, for "did you mean".
  function matchingCount(a, b) {
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0, j2len = {};
      for (var i = alo; i < ahi; i++) {
        var newj2len = {};
        for (var j = blo; j < bhi; j++) {
          if (a.charAt(i) !== b.charAt(j)) continue;
          var k = (j2len[j - 1] || 0) + 1;
          newj2len[j] = k;
          if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
        }
        j2len = newj2len;
      }
      return [besti, bestj, bestsize];
    }
    var total = 0, queue = [[0, a.length, 0, b.length]];
    while (queue.length) {
      var q = queue.pop();
      var m = longest(q[0], q[1], q[2], q[3]);
      if (m[2]) {
        total += m[2];
        if (q[0] < m[0] && q[2] < m[1]) queue.push([q[0], m[0], q[2], m[1]]);
        if (m[0] + m[2] < q[1] && m[1] + m[2] < q[3]) queue.push([m[0] + m[2], q[1], m[1] + m[2], q[3]]);
      }
    }
    return total;
  }
  function suggest(data, name) {
    var word = normaliseName(name);
    var scored = [];
    Object.keys(data.modelNames).forEach(function (candidate) {
      var total = candidate.length + word.length;
      if (!total) return;
      var ratio = 2 * matchingCount(candidate, word) / total;
      if (ratio >= 0.6) scored.push([ratio, candidate]);
    });
    scored.sort(function (x, y) { return y[0] - x[0] || (x[1] < y[1] ? 1 : -1); });
    var ids = [];
    scored.slice(0, 9).forEach(function (s) { var id = data.modelNames[s[1]]; if (ids.indexOf(id) < 0) ids.push(id); });
    return ids.slice(0, 3);
  }

  function figure(low, high) {
    if (!high) return pointFigure(parseNumber(low));
    var a = parseNumber(low), b = parseNumber(high);
    if (b.lt(a)) { var t = a; a = b; b = t; }
    return { low: a.toString(), high: b.toString() };
  }
  function priceUnit(unit) {
    if (unit && new RegExp("^" + PER_THOUSAND + "$", "i").test(unit.trim())) return Dec.of(1000);
    return Dec.one;
  }

  var PARSERS = [
    ["workload", function () { throw new ClaimError("workload claims are checked by `pricewatch check` (both cache readings); use the calculator above for the arithmetic"); }],
    ["request", function (g, text, data) {
      return [{ kind: "request_cost", text: text, model: resolveModel(data, g.model), provider: null, statistic: "auto",
        input_tokens: parseInt(scaled(g.inp, g.inp_scale).toFixed(0), 10), output_tokens: parseInt(scaled(g.out, g.out_scale).toFixed(0), 10),
        cache_read_tokens: 0, claimed: pointFigure(scaled(g.usd, g.usd_scale)), tolerance: TOLERANCE }];
    }],
    ["pricePair", priceClaims],
    ["priceSplit", priceClaims],
    ["times", function (g, text, data) {
      var a = resolveModel(data, g.a), b = resolveModel(data, g.b);
      if (/^(more|pricier|costlier|dearer)/i.test(g.dir)) { var t = a; a = b; b = t; }
      return [{ kind: "ratio", text: text, a: { model: a, provider: null, statistic: "auto" }, b: { model: b, provider: null, statistic: "auto" },
        a_price: "blended", b_price: "blended", form: "times_cheaper", claimed: figure(g.n, g.n2), tolerance: TOLERANCE }];
    }],
    ["percentCheaper", function (g, text, data) { return percentClaims(g, text, data, "percent_cheaper"); }],
    ["percentOf", function (g, text, data) { return percentClaims(g, text, data, "percent_of"); }],
    ["trendFold", function () { throw new ClaimError("trend claims are checked by `pricewatch check` (the fit needs the whole history); see the trends page"); }],
    ["trendPercent", function () { throw new ClaimError("trend claims are checked by `pricewatch check` (the fit needs the whole history); see the trends page"); }]
  ];
  function priceClaims(g, text, data) {
    var scale = priceUnit(g.unit || g.unit2);
    return [{ kind: "price", text: text, model: resolveModel(data, g.model), provider: g.provider ? resolveProvider(data, g.provider) : null,
      statistic: "auto", input: scaled(g.inp, g.inp_scale).mul(scale).toString(), output: scaled(g.out, g.out_scale).mul(scale).toString(),
      cache_read: null, cache_write: null, tolerance: TOLERANCE }];
  }
  function percentClaims(g, text, data, form) {
    return [{ kind: "ratio", text: text, a: { model: resolveModel(data, g.a), provider: null, statistic: "auto" },
      b: { model: resolveModel(data, g.b), provider: null, statistic: "auto" }, a_price: "blended", b_price: "blended",
      form: form, claimed: figure(g.p, g.p2), tolerance: TOLERANCE }];
  }

  function parseClaim(data, text) {
    var sentence = normaliseText(text);
    for (var i = 0; i < PARSERS.length; i++) {
      var match = RE[PARSERS[i][0]].exec(sentence);
      if (match) return { text: sentence, claims: PARSERS[i][1](match.groups, sentence, data), combine: "all" };
    }
    throw new ClaimError("cannot read a claim in '" + sentence + "'; the forms understood are:\n" + FORMS.map(function (f) { return "  " + f; }).join("\n"));
  }

  // `pricewatch check TEXT --json` in the browser: {text, at, verdict, results}, or {error}.
  function check(data, text, at) {
    at = at || data.now;
    try {
      var parsed = parseClaim(data, text);
      var results = parsed.claims.map(function (c) { return verdictJson(evaluate(data, c, at)); });
      return { text: parsed.text, at: at, verdict: combine(results.map(function (r) { return r.verdict; }), parsed.combine), results: results };
    } catch (e) {
      if (e instanceof ClaimError) return { error: e.message };
      throw e;
    }
  }

  // The calculator: a profile's monthly cost on one model at one provider, now.
  function workload(data, spec) {
    try {
      var profile = profileOf(spec);
      var prices = workloadPricesAt(data.points, spec.model, spec.provider, spec.at || data.now);
      var bill = workloadCost(profile, prices, "input_price");
      return {
        model: spec.model, provider: spec.provider, cache_reading: profile.cache_reading,
        total_usd: bill.total_usd.toString(), monthly_cost_usd: bill.monthly_cost_usd.toString(), daily_cost_usd: bill.daily_cost_usd.toString(),
        lines: bill.lines.map(function (l) { return { label: l.label, segment: l.segment, tokens: l.tokens.toString(), usd_per_mtok: l.usd_per_mtok.toString(), cost_usd: l.cost_usd.toString(), price_field: l.price_field, fallback: l.fallback }; }),
        arithmetic: bill.arithmetic, assumptions: bill.assumptions, flags: bill.flags
      };
    } catch (e) {
      if (e instanceof Impossible || e instanceof MissingPrice) return { error: e.message };
      throw e;
    }
  }

  global.pricewatch = {
    Dec: Dec, load: load, check: check, evaluate: function (data, claim, at) { return verdictJson(evaluate(data, claim, at)); },
    parseClaim: parseClaim, workload: workload, fmt: fmt, usd: usd, combine: combine
  };
})(typeof window !== "undefined" ? window : this);
