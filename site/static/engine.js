/* pricewatch engine: the claim box and the workload calculator of the claims page.

   Scope (what the box does, and where the rest goes):
   - Computed here, in the browser, on the prices embedded in the page: price claims, ratio
     claims ("N x cheaper", "P% of", "P% cheaper"), request-cost claims and workload claims
     (both cache readings; the best decides), and the workload calculator. The arithmetic is
     pricewatch.analysis's (prices.py, workloads.py, claims.py) ported function by function, on
     exact decimals (Dec below: Python's decimal context, 28 digits, half even, the same
     exponents), so every verdict, figure and text equals `pricewatch check`'s; no binary
     float reaches any output.
   - Answered from results Python precomputed at build time: trend claims ("prices fell 10x in
     3 years", "prices fall 50% per year") under the site's definitions (the default score,
     threshold and 3:1 blended price; windows of 1 to 10 whole years, as of the build). The
     page carries each definition's measure (analysis.claims.measure_trend), and judgeTrend
     below compares the claimed figure with it as analysis.claims.judge_trend does.
   - Handed to the command line with a message: any other trend definition, and every
     sentence in none of the forms (the message lists them); `pricewatch scan` reads articles.

   Nothing of the grammar is written here: the tokenizer rules, the forms (as token tables),
   the word tables, the tolerance, the verdict orders, the price fields and their words come
   from the page's embedded data ("grammar" and "vocabulary", emitted by
   analysis.claim_grammar.tables() and site/tools.py). The matcher below is the one in
   analysis/claim_grammar.py, line for line. tests/test_claim_box_parity.py runs this file in
   node over a generated corpus and asserts every result equal to Python's.

   Loads in a browser (window.pricewatch) and in node (module.exports). No request leaves
   the page. */
(function (global) {
  "use strict";

  var VOCAB = null; // the vocabulary tables, set by load()
  var G = null; // the grammar tables, set by load()
  var SPACE = {};

  // ------------------------------------------------------------------ exact decimals
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
  Dec.prototype.abs = function () { return new Dec(absN(this.m), this.e); };
  function align(a, b) {
    var e = Math.min(a.e, b.e);
    return [a.m * pow10(a.e - e), b.m * pow10(b.e - e), e];
  }
  Dec.prototype.add = function (o) { o = Dec.of(o); var t = align(this, o); return rounded(t[0] + t[1], t[2], false); };
  Dec.prototype.sub = function (o) { o = Dec.of(o); var t = align(this, o); return rounded(t[0] - t[1], t[2], false); };
  Dec.prototype.mul = function (o) { o = Dec.of(o); return rounded(this.m * o.m, this.e + o.e, false); };
  // Python's Decimal division: an exact quotient comes as close to the ideal exponent as it can
  // (1 / 4 = 0.25, 90 / 100 = 0.9), an inexact one is rounded to 28 digits, half even.
  Dec.prototype.div = function (o) {
    o = Dec.of(o);
    if (o.isZero()) throw new Error("division by zero");
    var ideal = this.e - o.e;
    if (this.isZero()) return new Dec(ZERO_N, ideal);
    var shift = digits(o.m) - digits(this.m) + PREC + 1;
    var exp = ideal - shift;
    var a = absN(this.m), b = absN(o.m), q, r;
    if (shift >= 0) { q = a * pow10(shift) / b; r = a * pow10(shift) % b; }
    else { var d = b * pow10(-shift); q = a / d; r = a % d; }
    if (r !== ZERO_N) {
      if (q % BigInt(5) === ZERO_N) q += ONE_N;
    } else {
      while (exp < ideal && q % TEN === ZERO_N) { q /= TEN; exp += 1; }
    }
    var negative = (this.m < ZERO_N) !== (o.m < ZERO_N);
    return rounded(negative ? -q : q, exp, false);
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
  // Exact text as Python's format(d, "f"): no exponent, trailing zeros kept ("7.50", "1500000.0").
  Dec.prototype.text = function () {
    if (this.m === ZERO_N) return this.e >= 0 ? "0" : "0." + "0".repeat(-this.e);
    return plain(this.m, this.e);
  };
  // As Python's str(d): scientific notation for large exponents and tiny values ("1E+1", "1E-7").
  Dec.prototype.pyStr = function () {
    var coefficient = absN(this.m).toString();
    var left = this.e + coefficient.length;
    var dot = this.e <= 0 && left > -6 ? left : 1;
    var intPart, fracPart;
    if (dot <= 0) { intPart = "0"; fracPart = "." + "0".repeat(-dot) + coefficient; }
    else if (dot >= coefficient.length) { intPart = coefficient + "0".repeat(dot - coefficient.length); fracPart = ""; }
    else { intPart = coefficient.slice(0, dot); fracPart = "." + coefficient.slice(dot); }
    var exponent = left === dot ? "" : "E" + (left - dot >= 0 ? "+" : "") + (left - dot);
    return (this.m < ZERO_N ? "-" : "") + intPart + fracPart + exponent;
  };
  // The integer part, towards zero (Python's int(d)), as digits.
  Dec.prototype.trunc = function () {
    if (this.e >= 0) return (this.m * pow10(this.e)).toString();
    var q = absN(this.m) / pow10(-this.e);
    return (this.m < ZERO_N && q !== ZERO_N ? "-" : "") + q.toString();
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
  function group(text) {
    var negative = text.charAt(0) === "-";
    if (negative) text = text.slice(1);
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (negative ? "-" : "") + parts.join(".");
  }
  function D(x) { return x === null || x === undefined || x === "" ? null : Dec.of(x); }
  // ------------------------------------------------------------------ data
  function load(raw) {
    VOCAB = raw.vocabulary;
    G = raw.grammar;
    SPACE = {};
    for (var s = 0; s < G.whitespace.length; s++) SPACE[G.whitespace.charAt(s)] = true;
    var cols = raw.columns;
    var idx = {};
    cols.forEach(function (c, i) { idx[c] = i; });
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
        source_url: row[idx.source_url],
        last_confirmed: row[idx.last_confirmed],
        confirmed_by: row[idx.confirmed_by],
        ended: row[idx.ended],
        unconfirmed_after: row[idx.unconfirmed_after]
      };
      VOCAB.price_fields.forEach(function (f) { p[f] = D(row[idx[f]]); });
      return p;
    });
    // The checker knows catalog models only, as `pricewatch check` does: every one of them.
    var facts = {};
    raw.models.forEach(function (m) {
      if (m.catalogued) facts[m.id] = { id: m.id, name: m.name, open_weights: m.open_weights, makers: m.makers };
    });
    return {
      now: raw.now, points: points, facts: facts, models: raw.models, trends: raw.trends, vocabulary: raw.vocabulary,
      providers: raw.providers, modelNames: raw.model_names, providerNames: raw.provider_names,
      calculator: raw.calculator
    };
  }

  // ------------------------------------------------------------------ prices (analysis/prices.py)
  function inForce(p, at) { return p.valid_from <= at && (p.valid_to === null || at < p.valid_to); }
  // Past its confirmation window at `at` (PricePoint.unconfirmed_at).
  function unconfirmedAt(p, at) { return p.unconfirmed_after !== null && p.unconfirmed_after !== undefined && at >= p.unconfirmed_after; }

  function offersAt(points, model, at, opts) {
    opts = opts || {};
    var provider = opts.provider === undefined ? null : opts.provider;
    var tier = opts.tier || "standard";
    var mpt = opts.min_prompt_tokens || 0;
    var currency = opts.currency === undefined ? "USD" : opts.currency;
    return points.filter(function (p) {
      return p.model === model && p.tier === tier && p.min_prompt_tokens === mpt &&
        (provider === null || p.provider === provider) &&
        (currency === null || p.currency === currency) && !p.variable && inForce(p, at) &&
        (opts.include_unconfirmed || !unconfirmedAt(p, at));
    });
  }

  function preferred(points) {
    if (!points.length) return null;
    // Two stable sorts: newest first, then plain before variants and measured before curated
    // before third-party (prices._preferred).
    var newest = points.slice().sort(function (a, b) { return a.valid_from < b.valid_from ? 1 : a.valid_from > b.valid_from ? -1 : 0; });
    var key = function (p) { return (p.variant !== "" ? 3 : 0) + (p.origin === "curated" ? 1 : p.origin === "third-party" ? 2 : 0); };
    return newest.sort(function (a, b) { return key(a) - key(b); })[0];
  }

  function priceAt(points, model, provider, at, tier, mpt) {
    // A dated snapshot never stands for the plain name past the plain offer's window (prices.price_at).
    var offers = offersAt(points, model, at, { provider: provider, tier: tier || "standard", min_prompt_tokens: mpt || 0, include_unconfirmed: true });
    if (offers.some(function (p) { return p.variant === ""; })) offers = offers.filter(function (p) { return p.variant === ""; });
    return preferred(offers.filter(function (p) { return !unconfirmedAt(p, at); }));
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
    // A $0 price is a free tier only when the source says so: never the cheapest paid price (prices.is_paid).
    candidates = candidates.filter(function (p) { return !p.input.isZero() && !p.output.isZero(); });
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
        var words = VOCAB.field_words[field];
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
      if (v.sign() < 0 || v.gt(1)) throw new Impossible(name.replace(/_/g, " ") + " must be a share between 0 and 1 (0.9 for 90%), not " + v.pyStr());
    });
    if (p.days_per_month.sign() <= 0) throw new Impossible("days per month must be positive");
    if (p.cache_reading === "all" && p.cache_hit.gt(p.input_share)) {
      throw new Impossible(pct(p.cache_hit) + " of all tokens cannot be cache reads when only " + pct(p.input_share) + " are input");
    }
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
  function pointFigure(v) { var s = Dec.of(v).text(); return { low: s, high: s }; }
  function isPoint(f) { return f.low !== null && f.high !== null && Dec.of(f.low).eq(Dec.of(f.high)); }

  function compare(label, unit, claimed, actual, tolerance) {
    var low = claimed.low === null ? null : Dec.of(claimed.low);
    var high = claimed.high === null ? null : Dec.of(claimed.high);
    var t = Dec.of(tolerance);
    if ((low === null) !== (high === null)) t = Dec.zero; // a bound ("at least 10x") has no tolerance
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

  // Current prices first; else a price past its confirmation window, flagged (claims._sheet).
  function sheetFor(ref, points, facts, at, makerFirst) {
    try {
      return currentSheet(ref, points, facts, at, makerFirst);
    } catch (e) {
      if (!(e instanceof Missing)) throw e;
      var any = points.some(function (p) { return p.model === ref.model && unconfirmedAt(p, at); });
      if (!any) throw e;
      var originals = new Map();
      var lenient = points.map(function (p) {
        if (p.model !== ref.model || !unconfirmedAt(p, at)) return p;
        var copy = Object.assign({}, p, { unconfirmed_after: null });
        originals.set(copy, p);
        return copy;
      });
      var sheet;
      try {
        sheet = currentSheet(ref, lenient, facts, at, makerFirst);
      } catch (e2) {
        if (e2 instanceof Missing) throw e;
        throw e2;
      }
      sheet.unconfirmed = sheet.points.filter(function (p) { return originals.has(p); }).map(function (p) { return originals.get(p); });
      return sheet;
    }
  }

  // The maker's last base price of the model when it ended by `at` and no maker price is in force.
  function makerEnded(points, fact, at) {
    if (!fact) return null;
    var mine = points.filter(function (p) { return p.model === fact.id && fact.makers.indexOf(p.provider) >= 0; });
    if (mine.some(function (p) { return inForce(p, at); })) return null;
    var best = null;
    mine.forEach(function (p) {
      if (p.tier !== "standard" || p.min_prompt_tokens !== 0 || p.valid_to === null || p.valid_to > at) return;
      if (best === null || p.valid_to > best.valid_to || (p.valid_to === best.valid_to && p.valid_from > best.valid_from)) best = p;
    });
    return best;
  }

  var END_WORDS = { retired: "retired by its maker", delisted: "no longer listed on its maker's page", changed: "replaced" };

  function endedText(points, facts, last, at) {
    var text = name(facts, last.model) + " is no longer sold by " + last.provider + ": its price there ended on " + day(last.valid_to) +
      " (" + (END_WORDS[last.ended] || "ended") + ")";
    var hosts = offersAt(points, last.model, at).filter(function (p) {
      return p.provider !== "openrouter" && p.provider !== last.provider && p.input !== null && p.output !== null;
    }).sort(function (a, b) { return strCmp(a.provider, b.provider) || strCmp(a.variant, b.variant); });
    if (!hosts.length) return text + "; no host sells it on " + day(at);
    return text + "; sold on " + day(at) + " by " + hosts.map(function (p) {
      return p.provider + " (" + fmt(p.input, "$") + " / " + fmt(p.output, "$") +
        (p.last_confirmed ? ", confirmed " + day(p.last_confirmed) + ")" : ")");
    }).join(", ");
  }

  function currentSheet(ref, points, facts, at, makerFirst) {
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
      var last = makerEnded(points, fact, at);
      var ended = last !== null ? endedText(points, facts, last, at) : null;
      if (statistic === "retail") throw new Missing(ended || "no retail (maker's own) price for " + nm + " in force on " + day(at));
      if (makerFirst && (ended || points.some(function (p) { return p.model === ref.model && makers.indexOf(p.provider) >= 0 && inForce(p, at); }))) {
        throw new Missing(ended || "only an unconfirmed retail price for " + nm + " on " + day(at));
      }
      statistic = "cheapest"; // "auto" as analysis.ratios' basis: retail, else the market
    }
    var market = marketPrice(points, ref.model, at, statistic);
    if (!market) throw new Missing(ended || "no host price for " + nm + " in force on " + day(at));
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

  function txt(v) { return v === null || v === undefined ? null : Dec.of(v).text(); }

  function used(role, sheet, facts) {
    var flagged = {};
    (sheet.unconfirmed || []).forEach(function (p) { flagged[[p.provider, p.tier, p.min_prompt_tokens, p.variant, p.valid_from].join("\u0000")] = true; });
    return sheet.points.filter(function (p) { return p.min_prompt_tokens === 0 && p.tier === "standard"; }).map(function (p) {
      var key = [p.provider, p.tier, p.min_prompt_tokens, p.variant, p.valid_from].join("\u0000");
      return { role: role, model: p.model, model_name: name(facts, p.model), provider: p.provider, tier: p.tier,
        min_prompt_tokens: p.min_prompt_tokens, variant: p.variant, input: txt(p.input), output: txt(p.output),
        cache_read: txt(p.cache_read), cache_write: txt(p.cache_write), currency: p.currency, valid_from: p.valid_from,
        valid_to: p.valid_to, origin: p.origin, confidence: p.confidence, source_url: p.source_url, chosen_by: sheet.chosen_by,
        last_confirmed: p.last_confirmed, confirmed_by: p.confirmed_by,
        unconfirmed_since: flagged[key] ? day(p.last_confirmed || p.valid_from) : null };
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
    if (v === null || v === undefined) throw new Missing("no " + VOCAB.price_words[which] + " price for " + nm + " " + sheet.where);
    work.step(label + ": " + nm + " " + VOCAB.price_words[which] + " price " + sheet.where, "$" + exact(v) + " per million tokens", fmt(v, "$"));
    return v;
  }

  function evalPrice(claim, points, facts, at, work) {
    var sheet = sheetFor(refOf(claim), points, facts, at, true);
    work.prices = work.prices.concat(used("the model", sheet, facts));
    var nm = name(facts, claim.model);
    var fields = ["input", "output", "cache_read", "cache_write"].filter(function (f) { return claim[f] !== null && claim[f] !== undefined; });
    if (!fields.length) throw new Missing("the claim names no price (input, output, cache read or cache write)");
    fields.forEach(function (field) {
      var claimed = Dec.of(claim[field]);
      var actual = sheet.prices.standard[field];
      if (actual === null || actual === undefined) {
        work.missing.push("no " + VOCAB.price_words[field] + " price for " + nm + " " + sheet.where + " on " + day(at));
        return;
      }
      work.step(VOCAB.price_words[field] + " price of " + nm + " " + sheet.where, "stored $" + exact(actual) + " per million tokens; claimed $" + exact(claimed),
        fmt(claimed.isZero() ? Dec.one : actual.div(claimed), "x") + " the claimed figure");
      work.comparisons.push(compare(VOCAB.price_words[field], "USD per million tokens", pointFigure(claimed), actual, claim.tolerance));
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
        claimed = { low: claimed.high === null ? null : Dec.of(100).sub(claimed.high).text(), high: claimed.low === null ? null : Dec.of(100).sub(claimed.low).text() };
        work.step("claimed share", "100% - " + figureText(claim.claimed, "%") + " cheaper", figureText(claimed, "%"));
      }
    }
    var label = VOCAB.price_words[aPrice] + (aPrice === bPrice ? "" : " vs " + VOCAB.price_words[bPrice]);
    // "90% cheaper" is judged on the 10% left but told as the saving it claims (claims._as_saving)
    function compared(label, value) {
      var share = compare(label, unit, claimed, value, claim.tolerance);
      if (claim.form !== "percent_cheaper") return share;
      var said = compare(label, unit, claim.claimed, Dec.of(100).sub(share.actual), "0");
      said.holds = share.holds;
      return said;
    }
    work.comparisons.push(compared(label, actual));
    if (aPrice === "blended" && bPrice === "blended") {
      ["input", "output"].forEach(function (field) {
        var pa = sheetA.prices.standard[field], pb = sheetB.prices.standard[field];
        if (pa === null || pb === null || (claim.form === "times_cheaper" && pa.isZero()) || pb.isZero()) return;
        var value = ratioValue(claim.form, pa, pb);
        var shown = claim.form === "times_cheaper" ? "B / A = $" + exact(pb) + " / $" + exact(pa) : "100 x $" + exact(pa) + " / $" + exact(pb);
        work.step(field + " only (for context)", shown, fmt(value, unit));
        var c = compared(field, value);
        c.decisive = false;
        work.comparisons.push(c);
      });
    }
    var relation;
    if (claim.form === "times_cheaper") relation = "is " + fmt(actual, "x") + " cheaper than";
    else if (claim.form === "percent_of") relation = "costs " + fmt(actual, "%") + " of";
    else relation = "is " + fmt(Dec.of(100).sub(actual), "%") + " cheaper than";
    var context = work.comparisons.filter(function (c) { return !c.decisive; }).map(function (c) { return c.label + " " + fmt(c.actual, unit); }).join(", ");
    var what = same ? "" : " " + VOCAB.price_words[aPrice] + " price";
    var aText = nameA + (same ? " " + VOCAB.price_words[aPrice] : "") + " " + sheetA.where;
    var bText = nameB + (same ? " " + VOCAB.price_words[bPrice] : "") + " " + sheetB.where;
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
    work.summary = group(String(claim.input_tokens)) + " input + " + group(String(claim.output_tokens)) + " output tokens on " + name(facts, claim.model) + " " + sheet.where + " cost " + fmt(bill.total_usd, "$") + " (claimed " + figureText(claim.claimed, "$") + ")";
  }

  function evalWorkload(claim, points, facts, at, work) {
    if ((claim.tokens_per_day === null) === (claim.tokens_per_month === null)) throw new Missing("a token volume: give tokens per day or tokens per month");
    var perDay = claim.tokens_per_day !== null;
    var volume = perDay ? claim.tokens_per_day : claim.tokens_per_month;
    if (volume.low === null || volume.high === null) throw new Missing("a bounded token volume (a number or a range)");
    var sheet = sheetFor(refOf(claim), points, facts, at);
    work.prices = work.prices.concat(used("the model", sheet, facts));
    var ends = isPoint(volume) ? [["", Dec.of(volume.low)]] : [["low end", Dec.of(volume.low)], ["high end", Dec.of(volume.high)]];
    var costs = [];
    ends.forEach(function (end) {
      var label = end[0], tokens = end[1], bill;
      try {
        var profile = profileOf({ tokens_per_day: perDay ? tokens : null, tokens_per_month: perDay ? null : tokens,
          input_share: claim.input_share, cache_hit: claim.cache_hit, cache_reading: claim.cache_reading,
          cache_write_share: claim.cache_write_share, days_per_month: claim.days_per_month });
        bill = workloadCost(profile, sheet.prices, "refuse");
      } catch (e) {
        if (e instanceof Impossible) throw new Missing("a possible profile: the '" + claim.cache_reading + "' cache reading is impossible: " + e.message);
        if (e instanceof MissingPrice) throw new Missing(e.message);
        throw e;
      }
      var prefix = label ? label + ": " : "";
      bill.lines.forEach(function (line) {
        work.step(prefix + line.label + " per month", count(line.tokens) + " tokens x $" + exact(line.usd_per_mtok) + " / 1,000,000", fmt(line.cost_usd, "$"));
      });
      var amount = claim.per === "month" ? bill.monthly_cost_usd : bill.daily_cost_usd;
      work.step(prefix + "total per " + claim.per, bill.lines.map(function (l) { return fmt(l.cost_usd, "$"); }).join(" + ") +
        (claim.per === "month" ? "" : ", / " + exact(claim.days_per_month) + " days"), fmt(amount, "$"));
      if (!work.assumptions.length) {
        var own = fmt(tokens) + " ";
        work.assumptions = bill.assumptions.filter(function (a) { return a.indexOf(own) !== 0; });
      }
      costs.push([label, amount]);
    });
    var unit = "USD per " + claim.per;
    var claimed = claim.claimed;
    if (costs.length === 2 && !isPoint(claimed) && claimed.low !== null && claimed.high !== null) {
      // a range of volumes against a range of costs: each end against its own
      work.comparisons.push(compare("low end", unit, pointFigure(claimed.low), costs[0][1], claim.tolerance));
      work.comparisons.push(compare("high end", unit, pointFigure(claimed.high), costs[1][1], claim.tolerance));
    } else {
      costs.forEach(function (c) { work.comparisons.push(compare(c[0] || "cost", unit, claimed, c[1], claim.tolerance)); });
    }
    var reading = { input: "of input tokens", all: "of all tokens" }[claim.cache_reading];
    var hit = Dec.of(claim.cache_hit).isZero() ? "" : ", " + fmt(Dec.of(claim.cache_hit).mul(100), "%") + " cache hits " + reading;
    work.summary = figureText(volume) + " tokens per " + (perDay ? "day" : "month") + hit + ", " + fmt(Dec.of(claim.input_share).mul(100), "%") +
      " input, on " + name(facts, claim.model) + " " + sheet.where + ": " + costs.map(function (c) { return fmt(c[1], "$"); }).join("-") +
      " per " + claim.per + " (claimed " + figureText(claimed, "$") + ")";
  }

  // Trend claims: judged against the measure Python made at build time (claims.judge_trend).
  function trendMeasure(data, claim, at) {
    var trends = data.trends;
    if (!trends || at !== data.now || claim.price !== "blended" || claim.score !== null || claim.threshold !== null ||
        claim.reference_model !== null || claim.start !== null || claim.end !== null) return null;
    if (claim.form === "percent_per_year" || claim.form === "fold_per_year") return claim.years === null ? trends.percent_per_year : null;
    if (claim.form !== "fold_over_period" || claim.years === null) return null;
    return trends.fold_over_period[Dec.of(claim.years).toString()] || null;
  }
  function foldFromPercent(f) {
    function fold(p) {
      if (p === null) return null;
      p = Dec.of(p);
      return p.ge(100) ? null : Dec.of(100).div(Dec.of(100).sub(p)).text();
    }
    return { low: fold(f.low), high: fold(f.high) };
  }
  function evalTrend(claim, points, facts, at, work, data) {
    var measure = trendMeasure(data, claim, at);
    if (!measure) throw new Missing("this trend claim is checked by `pricewatch check`, not in the browser");
    work.steps = work.steps.concat(measure.steps);
    work.prices = work.prices.concat(measure.prices);
    work.assumptions = work.assumptions.concat(measure.assumptions);
    if (measure.missing !== null) throw new Missing(measure.missing);
    var actual = Dec.of(measure.actual);
    if (measure.mode === "fold") {
      work.comparisons.push(compare("fold over the period", "x", claim.claimed, actual, claim.tolerance));
      work.summary = measure.head + figureText(claim.claimed, "x");
      return;
    }
    var claimed = claim.form === "fold_per_year" ? claim.claimed : foldFromPercent(claim.claimed);
    if (claim.form === "percent_per_year") {
      work.step("claimed fall as a fold per year", "1 / (1 - " + figureText(claim.claimed, "%") + " / 100)", figureText(claimed, "x"));
    }
    work.steps = work.steps.concat(measure.after);
    var shown = figureText(claim.claimed, claim.form === "fold_per_year" ? "x" : "%");
    if (measure.mode === "fit") {
      var low = Dec.of(measure.interval[0]), high = Dec.of(measure.interval[1]);
      var inside = compare("fold per year", "x per year", claimed, actual, "0");
      // consistent when the claim meets the fit's 95% interval
      inside.holds = (claimed.high === null || low.le(claimed.high)) && (claimed.low === null || Dec.of(claimed.low).le(high));
      work.comparisons.push(inside);
      if (inside.holds && low.le(Dec.one)) { // a fall holds only when the interval excludes rising prices
        work.missing.push("prices not shown to fall: the fit's 95% interval (" + fmt(low, "x") + "-" + fmt(high, "x") +
          " a year) includes rising prices (1x or less)");
      }
      work.summary = measure.head + shown + (claim.form === "percent_per_year" ? " a year" : " per year") + measure.tail;
      return;
    }
    work.comparisons.push(compare("fold per year (two endpoints)", "x per year", claimed, actual, claim.tolerance));
    work.summary = measure.head + shown;
  }

  // ------------------------------------------------------------------ arithmetic (calculator.py, claims.py)
  // The words' own arithmetic: + - * / and brackets over exact decimals (analysis/calculator.py).
  function calculate(expression) {
    var tokens = [], pos = 0, text = expression.replace(/\s+$/, "");
    var rx = /\s*(?:(\d(?:\d|,(?=\d))*(?:\.\d+)?|\.\d+)|([-+*\/\u00d7()]))/y;
    var bad = function () { return new Missing("an expression of numbers and + - * / only, not " + pyRepr(expression)); };
    while (pos < text.length) {
      rx.lastIndex = pos;
      var m = rx.exec(text);
      if (!m) throw bad();
      tokens.push(m[1] ? m[1].replace(/,/g, "") : (m[2] === "\u00d7" ? "*" : m[2]));
      pos = rx.lastIndex;
    }
    var i = 0;
    function take() { if (i >= tokens.length) throw bad(); return tokens[i++]; }
    function factor() {
      var t = take();
      if (t === "-") return Dec.zero.sub(factor());
      if (t === "(") { var v = sum(); if (take() !== ")") throw bad(); return v; }
      if (/^[\d.]/.test(t)) return Dec.of(t);
      throw bad();
    }
    function product() {
      var v = factor();
      while (tokens[i] === "*" || tokens[i] === "/") {
        var op = take(), f = factor();
        if (op === "/" && f.isZero()) throw bad();
        v = op === "*" ? v.mul(f) : v.div(f);
      }
      return v;
    }
    function sum() {
      var v = product();
      while (tokens[i] === "+" || tokens[i] === "-") { var op = take(); v = op === "+" ? v.add(product()) : v.sub(product()); }
      return v;
    }
    var value = sum();
    if (i !== tokens.length) throw bad();
    return value.isZero() ? Dec.zero : value; // one zero ("0", never "0.00" or "-0")
  }

  function evalArithmetic(claim, points, facts, at, work) {
    (claim.given || []).forEach(function (g) {
      work.step(g.line ? "stated on line " + g.line : "stated in the sentence", g.words || g.figure, g.figure);
    });
    var value = calculate(claim.expression);
    var unit = claim.unit || "";
    work.step(claim.label || "the claim's own arithmetic", claim.expression, fmt(value, unit));
    work.comparisons.push(compare("result", unit, claim.claimed, value, claim.tolerance));
    work.summary = claim.expression + " = " + fmt(value, unit) + " (claimed " + figureText(claim.claimed, unit) + ")";
    if (claim.label) work.summary = claim.label + ": " + work.summary;
    work.assumptions.push("arithmetic on the figures the words state: no price data used");
  }

  var EVALUATORS = { price: evalPrice, ratio: evalRatio, request_cost: evalRequestCost, workload: evalWorkload, trend: evalTrend, arithmetic: evalArithmetic };

  function refOf(claim) { return { model: claim.model, provider: claim.provider || null, statistic: claim.statistic || "auto" }; }

  function modelsOf(claim) {
    if (claim.kind === "ratio") { var s = {}; s[claim.a.model] = true; s[claim.b.model] = true; return s; }
    var out = {};
    if (claim.model) out[claim.model] = true;
    return out;
  }

  function judge(claim, points, data, at) {
    var work = new Work();
    var facts = data.facts;
    var evaluator = EVALUATORS[claim.kind];
    try {
      if (!evaluator) throw new Missing("this kind of claim (" + claim.kind + ") is checked by `pricewatch check`, not in the browser");
      var reason = impossible(claim);
      if (reason !== null) throw new Missing("refused: " + reason);
      evaluator(claim, points, facts, at, work, data);
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
    var since = null;
    work.prices.forEach(function (u) { if (u.unconfirmed_since && (since === null || u.unconfirmed_since < since)) since = u.unconfirmed_since; });
    return { verdict: verdict, kind: claim.kind, at: at, summary: summary, claim: claim, comparisons: work.comparisons,
      factor: factor, direction: direction, held_from: null, held_until: null, unconfirmed_since: since, missing: work.missing,
      prices: work.prices, steps: work.steps, assumptions: work.assumptions };
  }

  function asTime(at) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(at)) return at + "T23:59:59Z";
    return at;
  }

  function withDefaults(claim) {
    var c = JSON.parse(JSON.stringify(claim));
    if (c.tolerance === undefined || c.tolerance === null) c.tolerance = VOCAB.tolerance;
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
    if (c.claimed && c.claimed.low !== null && c.claimed.low !== undefined) c.claimed.low = Dec.of(c.claimed.low).text();
    if (c.claimed && c.claimed.high !== null && c.claimed.high !== undefined) c.claimed.high = Dec.of(c.claimed.high).text();
    if (c.text === undefined) c.text = "";
    return c;
  }

  // The verdict on a structured claim as of `at`, walking the history for "stale" (claims.evaluate).
  // claims.evaluate: the walk below, then a host-less price of a model its maker no longer sells
  // judged at the hosts that sell it (unsold_price.judge_unsold).
  function evaluate(data, claim, at) {
    at = asTime(at || data.now);
    return judgeUnsold(data, evaluateWalk(data, claim, at), at);
  }
  function judgeUnsold(data, v, at) {
    var claim = v.claim;
    if (v.verdict !== "cannot_check" || claim.kind !== "price" || claim.provider !== null || claim.statistic !== "auto") return v;
    var relevant = data.points.filter(function (p) { return p.model === claim.model; });
    var fact = data.facts[claim.model];
    if (!fact || makerEnded(relevant, fact, at) === null) return v;
    var ended = v.missing.length ? v.missing[0] : v.summary;
    var held = searchFigures(data, claim, at);
    var seen = {}, hosts = [];
    offersAt(relevant, claim.model, at).forEach(function (p) {
      if (p.provider === "openrouter" || fact.makers.indexOf(p.provider) >= 0 || p.input === null || p.output === null || seen[p.provider]) return;
      seen[p.provider] = true; hosts.push(p.provider);
    });
    hosts.sort(strCmp);
    var judged = hosts.map(function (h) {
      return judge(Object.assign({}, claim, { provider: h }), relevant, data, at);
    }).filter(function (j) { return j.verdict === "holds" || j.verdict === "off"; });
    var now = held.filter(function (run) { return run.valid_to === null; }).map(function (run) { return run.provider; });
    var exact = judged.filter(function (j) { return now.indexOf(j.claim.provider) >= 0 && j.verdict === "holds"; });
    var agree = exact.length ? exact : judged.filter(function (j) { return j.verdict === "holds"; });
    function nearest() {
      var best = null;
      judged.forEach(function (j) {
        var f = j.factor === null ? Dec.zero : j.factor;
        if (best === null || f.lt(best[0])) best = [f, j];
      });
      return best[1];
    }
    function as(base, fields) { return Object.assign({}, base, { claim: claim, missing: [] }, fields); }
    if (exact.length || (!held.length && agree.length)) {
      return as(agree[0], { summary: agree[0].summary + " (a host's price: " + ended + ")" });
    }
    if (held.length && !now.length) { // the maker's (or a host's) earlier price
      var last = null;
      held.forEach(function (run) {
        if (last === null || run.valid_to > last.valid_to || (run.valid_to === last.valid_to && run.valid_from > last.valid_from)) last = run;
      });
      var base = judged.length ? nearest() : v;
      var said = judged.length ? base.summary : "cannot be compared with a host's price now: " + ended;
      return as(base, {
        verdict: "stale", held_from: last.valid_from, held_until: last.valid_to,
        summary: "held from " + day(last.valid_from) + " to " + day(last.valid_to || "") + " at " + last.provider + ", no longer: " + said +
          (judged.length ? " (the nearest host's price: " + ended + ")" : ""),
        missing: judged.length ? [] : v.missing
      });
    }
    if (!judged.length) return v;
    var near = nearest();
    return as(near, { summary: near.summary + " (the nearest host's price: " + ended + ")" });
  }
  function evaluateWalk(data, claim, at) {
    claim = withDefaults(claim);
    var models = modelsOf(claim);
    var relevant = Object.keys(models).length ? data.points.filter(function (p) { return models[p.model]; }) : data.points;
    var verdict = judge(claim, relevant, data, at);
    if (VOCAB.priced_kinds.indexOf(claim.kind) < 0) return verdict;
    var seen = {};
    relevant.forEach(function (p) {
      // A price passing its confirmation window is a change too (claims.evaluate).
      [p.valid_from, p.valid_to, p.unconfirmed_after].forEach(function (t) { if (t !== null && t !== undefined && t <= at) seen[t] = true; });
    });
    var times = Object.keys(seen).sort();
    var runs = [], start = null;
    times.forEach(function (t) {
      var holds = (t === at ? verdict : judge(claim, relevant, data, t)).verdict === "holds";
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
    if (last[1] === null) last = [last[0], at];  // held at the last change before at, not at at
    verdict.verdict = "stale";
    verdict.held_from = last[0];
    verdict.held_until = last[1];
    verdict.summary = "held from " + day(last[0]) + " to " + day(last[1]) + ", no longer: " + verdict.summary;
    return verdict;
  }

  function combine(verdicts, how) {
    if (!verdicts.length) return "cannot_check";
    var order = VOCAB.verdict_order[how === "any" ? "any" : "all"];
    return verdicts.reduce(function (best, v) { return order[v] < order[best] ? v : best; });
  }

  // JSON form (pydantic's model_dump(mode="json")): decimals as exact text.
  function verdictJson(v) {
    return {
      verdict: v.verdict, kind: v.kind, at: v.at, summary: v.summary, claim: v.claim,
      comparisons: v.comparisons.map(function (c) {
        return { label: c.label, unit: c.unit, claimed: { low: c.claimed.low, high: c.claimed.high }, actual: c.actual.toString(), holds: c.holds,
          factor: c.factor.toString(), direction: c.direction, decisive: c.decisive };
      }),
      factor: v.factor === null ? null : v.factor.toString(), direction: v.direction,
      held_from: v.held_from, held_until: v.held_until, unconfirmed_since: v.unconfirmed_since, missing: v.missing, prices: v.prices, steps: v.steps, assumptions: v.assumptions,
      held_elsewhere: v.held_elsewhere || []
    };
  }

  // ------------------------------------------------------------------ where quoted figures held (figure_search.py)
  var FIGURE_FIELDS = ["input", "output", "cache_read", "cache_write"];
  function order(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function quotedFigures(claim) {
    return FIGURE_FIELDS.filter(function (f) { return claim[f] !== null && claim[f] !== undefined; })
      .map(function (f) { return [f, Dec.of(claim[f])]; });
  }
  // Every host's runs of prices equal to the claim's quoted fields, known at `at`, oldest first.
  function searchFigures(data, claim, at) {
    var quoted = quotedFigures(claim);
    if (!quoted.length) return [];
    var matching = data.points.filter(function (p) {
      // The standard price of the base band, as the claim is read; a dated snapshot keeps its name.
      return p.model === claim.model && p.tier === "standard" && p.min_prompt_tokens === 0 && p.valid_from <= at &&
        quoted.every(function (q) { return p[q[0]] !== null && p[q[0]].eq(q[1]); });
    }).sort(function (a, b) { return order(a.provider, b.provider) || order(a.variant, b.variant) || order(a.valid_from, b.valid_from); });
    var runs = {}, keys = [];
    matching.forEach(function (p) {
      var end = p.valid_to !== null && p.valid_to <= at ? p.valid_to : null;
      var key = JSON.stringify([p.provider, p.variant]);
      if (!runs[key]) { runs[key] = []; keys.push([key, p.provider, p.variant]); }
      var list = runs[key], last = list.length ? list[list.length - 1] : null;
      if (last !== null && (last[1] === null || last[1] >= p.valid_from)) {
        if (last[1] !== null && (end === null || end > last[1])) last[1] = end;  // overlapping or adjacent: one run
        return;
      }
      list.push([p.valid_from, end]);
    });
    var held = [];
    keys.forEach(function (k) {
      runs[k[0]].forEach(function (r) {
        held.push({ provider: k[1], valid_from: r[0], valid_to: r[1], list_price: VOCAB.list_price_providers.indexOf(k[1]) >= 0, variant: k[2] });
      });
    });
    return held.sort(function (a, b) { return order(a.valid_from, b.valid_from) || order(a.provider, b.provider) || order(a.variant, b.variant); });
  }
  // The quoted figures as the sentence gave them: "$0.45/$2.25", "$0.07 cache read".
  function figuresText(claim) {
    var quoted = quotedFigures(claim);
    if (quoted.length === 2 && quoted[0][0] === "input" && quoted[1][0] === "output") return fmt(quoted[0][1], "$") + "/" + fmt(quoted[1][1], "$");
    return quoted.map(function (q) { return fmt(q[1], "$") + " " + q[0].replace(/_/g, " "); }).join(", ");
  }
  // "$0.45/$2.25 is deepinfra's price since 2026-05-16 and openrouter's list price from 2026-08-19".
  function heldText(claim, held) {
    var figures = figuresText(claim);
    if (!held.length) return figures + " is no host's price in the history";
    var parts = held.map(function (run) {
      return run.provider + "'s " + (run.list_price ? "list price" : "price") + (run.variant ? " for " + run.variant : "") + " " +
        (run.valid_to === null ? "since " + day(run.valid_from) : "from " + day(run.valid_from) + " to " + day(run.valid_to));
    });
    var joined = parts.length === 1 ? parts[0] : parts.slice(0, -1).join(", ") + " and " + parts[parts.length - 1];
    var verb = held.every(function (run) { return run.valid_to !== null; }) ? "was" : "is";
    return figures + " " + verb + " " + joined;
  }
  // A price verdict that does not hold, with where and when its quoted figures held (in the summary too).
  function withFigureSearch(data, v, at) {
    if (v.kind !== "price" || v.verdict === "holds") return v;
    var held = searchFigures(data, v.claim, v.at || at);
    v.held_elsewhere = held;
    v.summary = v.summary + "; " + heldText(v.claim, held);
    return v;
  }

  // ------------------------------------------------------------------ one claim's parts (claims.evaluate_parts)
  function median(sorted) {
    var n = sorted.length, i = Math.floor(n / 2);
    return n % 2 ? sorted[i] : sorted[i - 1].add(sorted[i]).div(Dec.of(2));
  }
  // Several parts of one kind: the min, median and max of their decisive actual figures (claim_words.group_summary).
  function groupSummary(verdicts) {
    if (verdicts.length < 2) return null;
    var figures = [], said = {}, keys = 0;
    for (var i = 0; i < verdicts.length; i++) {
      var decisive = verdicts[i].comparisons.filter(function (c) { return c.decisive; });
      if (decisive.length !== 1) return null;  // a part with no figure, or with several: no one spread
      var c = decisive[0];
      figures.push(Dec.of(c.actual));
      var key = JSON.stringify([c.unit, c.claimed.low, c.claimed.high]);
      if (!said[key]) { said[key] = c.unit; keys++; }
    }
    if (keys !== 1) return null;  // one figure claimed of several things only
    var unit = said[Object.keys(said)[0]];
    var holding = [];
    verdicts.forEach(function (v, n) { if (v.verdict === "holds") holding.push(n + 1); });
    var sorted = figures.map(function (f, n) { return [f, n]; })
      .sort(function (a, b) { return a[0].cmp(b[0]) || a[1] - b[1]; }).map(function (p) { return p[0]; });
    var low = figures.reduce(function (m, f) { return f.lt(m) ? f : m; });
    var high = figures.reduce(function (m, f) { return f.gt(m) ? f : m; });
    var mid = median(sorted);
    var symbol = unit.indexOf("USD") === 0 ? "$" : unit;
    var text = verdicts.length + " parts: min " + fmt(low, symbol) + ", median " + fmt(mid, symbol) + ", max " + fmt(high, symbol) +
      "; holding: " + (holding.length ? holding.join(", ") : "none") + " of " + verdicts.length;
    return { parts: verdicts.length, unit: unit, min: low.toString(), median: mid.toString(), max: high.toString(), holding: holding, text: text };
  }
  // The parts of one claim at `at` and their combined verdict (an EntryVerdict, in JSON).
  function evaluateParts(data, claims, how, at, search) {
    var verdicts = claims.map(function (c) { return evaluate(data, c, at); });
    var combined = combine(verdicts.map(function (v) { return v.verdict; }), how);
    var summary;
    if (how === "any") {
      summary = "best reading: " + verdicts.filter(function (v) { return v.verdict === combined; })[0].summary;
    } else {
      summary = verdicts.length > 1
        ? verdicts.filter(function (v) { return v.verdict === combined; }).map(function (v) { return v.summary; }).join("; ")
        : verdicts[0].summary;
    }
    var group = how === "all" ? groupSummary(verdicts) : null;
    if (search) verdicts = verdicts.map(function (v) { return withFigureSearch(data, v, at); });
    return { verdict: combined, at: verdicts[0].at, summary: summary, parts: verdicts.map(verdictJson), group: group };
  }
  // A trend claim whose period has no end gets the day it was made as its end (claim_time.anchor_claim).
  function anchorClaims(claims, madeOn) {
    return claims.map(function (c) {
      if (!madeOn || c.kind !== "trend") return c;
      if (c.end === null || c.end === undefined || c.end > madeOn) { c = JSON.parse(JSON.stringify(c)); c.end = madeOn; }
      return c;
    });
  }

  // ------------------------------------------------------------------ text (claim_grammar.py)
  function isSpace(c) { return SPACE[c] === true; }
  function stripChars(text, test) {
    var start = 0, end = text.length;
    while (start < end && test(text.charAt(start))) start++;
    while (end > start && test(text.charAt(end - 1))) end--;
    return text.slice(start, end);
  }
  function stripSpace(text) { return stripChars(text, isSpace); }
  function inChars(chars) { return function (c) { return chars.indexOf(c) >= 0; }; }
  function collapseSpace(text) {
    var out = "", gap = false;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (isSpace(c)) { gap = true; continue; }
      if (gap && out) out += " ";
      gap = false;
      out += c;
    }
    return out;
  }
  function isDigit(c) { return c >= "0" && c <= "9"; }
  function isLetter(c) { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z"); }

  // Numbers, words and single other characters, with their offsets; whitespace separates.
  function tokenize(text) {
    var tokens = [], i = 0, n = text.length;
    while (i < n) {
      var c = text.charAt(i), start = i, kind;
      if (isSpace(c)) { i++; continue; }
      if (isDigit(c)) {
        i++;
        while (i < n && (isDigit(text.charAt(i)) || (text.charAt(i) === "," && i + 1 < n && isDigit(text.charAt(i + 1))))) i++;
        if (i + 1 < n && text.charAt(i) === "." && isDigit(text.charAt(i + 1))) {
          i++;
          while (i < n && isDigit(text.charAt(i))) i++;
        }
        kind = "num";
      } else if (isLetter(c)) {
        while (i < n && isLetter(text.charAt(i))) i++;
        kind = "word";
      } else {
        var code = text.charCodeAt(i);
        i += code >= 0xd800 && code <= 0xdbff && i + 1 < n ? 2 : 1; // one character, not half of one
        kind = "sym";
      }
      var t = text.slice(start, i);
      tokens.push({ kind: kind, text: t, low: t.toLowerCase(), start: start, end: i });
    }
    return tokens;
  }

  function withCap(caps, name, a, b) {
    var out = {};
    for (var key in caps) out[key] = caps[key];
    out[name] = [a, b];
    return out;
  }
  // Match elements[i:] at token `pos`, then hand over to `k` (continuation-passing backtracking).
  function seq(elements, i, pos, caps, tokens, k) {
    if (i === elements.length) return k(pos, caps);
    var element = elements[i], kind = element[0], found, j;
    function rest(p, c) { return seq(elements, i + 1, p, c, tokens, k); }
    if (kind === "lit") {
      for (j = 0; j < element[1].length; j++) {
        var phrase = element[1][j], end = pos + phrase.length, same = end <= tokens.length;
        for (var x = 0; same && x < phrase.length; x++) same = tokens[pos + x].low === phrase[x];
        if (!same) continue;
        found = rest(end, element[2] === null ? caps : withCap(caps, element[2], pos, end));
        if (found !== null) return found;
      }
      return null;
    }
    if (kind === "opt") {
      found = seq(element[1], 0, pos, caps, tokens, rest);
      return found !== null ? found : rest(pos, caps);
    }
    if (kind === "alt") {
      for (j = 0; j < element[1].length; j++) {
        found = seq(element[1][j], 0, pos, caps, tokens, rest);
        if (found !== null) return found;
      }
      return null;
    }
    if (kind === "rep") {
      var again = function (p, c) {
        var f = seq(element[1], 0, p, c, tokens, function (q, d) { return q > p ? again(q, d) : null; });
        return f !== null ? f : rest(p, c);
      };
      return again(pos, caps);
    }
    if (kind === "num") {
      return pos < tokens.length && tokens[pos].kind === "num" ? rest(pos + 1, withCap(caps, element[1], pos, pos + 1)) : null;
    }
    if (kind === "span") {
      for (j = pos + 1; j <= tokens.length; j++) {
        found = rest(j, withCap(caps, element[1], pos, j));
        if (found !== null) return found;
      }
      return null;
    }
    if (kind === "end") return pos === tokens.length ? k(pos, caps) : null;
    throw new Error("unknown grammar element " + kind);
  }
  // (form name, captures) for the first form the sentence is in, else null.
  function matchForm(text) {
    var tokens = tokenize(text);
    for (var f = 0; f < G.form_order.length; f++) {
      var name = G.form_order[f];
      var caps = seq(G.forms[name], 0, 0, {}, tokens, function (p, c) { return c; });
      if (caps !== null) {
        var groups = {};
        for (var key in caps) groups[key] = text.slice(tokens[caps[key][0]].start, tokens[caps[key][1] - 1].end);
        return { form: name, groups: groups };
      }
    }
    return null;
  }

  // The token position the longest prefix of the elements that holds a word or number reaches.
  function reach(elements, tokens) {
    for (var k = elements.length; k > 0; k--) {
      var prefix = elements.slice(0, k), solid = false;
      for (var e = 0; e < prefix.length; e++) if (["lit", "num", "alt"].indexOf(prefix[e][0]) >= 0) solid = true;
      if (!solid) return null;
      var found = seq(prefix, 0, 0, {}, tokens, function (p, c) { return { pos: p }; });
      if (found !== null) return found.pos;
    }
    return null;
  }
  // Why a sentence is in no form: the nearest form, the part read and the part it could not read.
  function refusal(text) {
    var tokens = tokenize(text), best = null;
    for (var f = 0; f < G.form_order.length; f++) {
      var r = reach(G.forms[G.form_order[f]], tokens);
      if (r !== null && (best === null || r > best[0])) best = [r, G.form_order[f]];
    }
    if (best === null || best[0] === 0) return "no part of it is in any of the forms";
    var read = text.slice(0, tokens[best[0] - 1].end), form = pyRepr(G.form_text_of[best[1]]);
    if (best[0] === tokens.length) return "the nearest form is " + form + ": " + pyRepr(read) + " reads, then the sentence stops short of it";
    return "the nearest form is " + form + ": " + pyRepr(read) + " reads, " + pyRepr(text.slice(tokens[best[0]].start)) + " does not";
  }

  function withoutParentheses(text) {
    var out = "", i = 0;
    while (i < text.length) {
      var close = text.charAt(i) === "(" ? text.indexOf(")", i + 1) : -1;
      if (close >= 0) { out += " "; i = close + 1; } else { out += text.charAt(i); i += 1; }
    }
    return out;
  }
  function cleanOnce(text) {
    text = stripChars(stripSpace(text), inChars(" \t" + G.name_end_punctuation));
    var tokens = tokenize(text);
    if (tokens.length > 1 && G.name_leading.indexOf(tokens[0].low) >= 0 && tokens[1].start > tokens[0].end) {
      text = text.slice(tokens[1].start);
      tokens = tokenize(text);
    }
    var last = tokens.length - 1;
    if (last > 0 && G.name_trailing.indexOf(tokens[last].low) >= 0 && tokens[last].start > tokens[last - 1].end) {
      var first = last;
      while (first > 1 && G.name_qualifiers.indexOf(tokens[first - 1].low) >= 0 && tokens[first - 1].start > tokens[first - 2].end) first--;
      var cut = tokens[first - 1].end;
      if (first >= 3 && tokens[first - 1].low === "s" && (tokens[first - 2].text === "'" || tokens[first - 2].text === "’") &&
          tokens[first - 2].end === tokens[first - 1].start) cut = tokens[first - 2].start;
      text = text.slice(0, cut);
    }
    var kept = "";
    for (var i = 0; i < text.length; i++) if (G.quotes.indexOf(text.charAt(i)) < 0) kept += text.charAt(i);
    return stripSpace(kept);
  }
  function cleanName(phrase) {
    var text = withoutParentheses(phrase), previous = null;
    while (previous !== text) { previous = text; text = cleanOnce(text); }
    return text;
  }
  function replaceRuns(text, test, by) {
    var out = "", run = false;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (test(c)) { if (!run) out += by; run = true; } else { out += c; run = false; }
    }
    return out;
  }
  function unique(list) { return list.filter(function (v, i) { return list.indexOf(v) === i; }); }
  function nameVariants(phrase) {
    phrase = stripSpace(phrase);
    var out = [phrase, replaceRuns(phrase, isSpace, "-"), replaceRuns(phrase, function (c) { return isSpace(c) || c === "-"; }, " ")];
    var tokens = tokenize(phrase);
    if (tokens.length && tokens[0].kind === "word" && G.prefixed_names[tokens[0].low] !== undefined) out.push(G.prefixed_names[tokens[0].low] + phrase);
    return unique(out);
  }
  function providerCandidates(phrase) {
    var kept = "", last = 0;
    tokenize(phrase).forEach(function (t) {
      if (t.kind === "word" && G.provider_noise.indexOf(t.low) >= 0) { kept += phrase.slice(last, t.start) + " "; last = t.end; }
    });
    var cleaned = cleanName(kept + phrase.slice(last));
    return unique([cleaned, cleaned.split(" ").join("-"), cleaned.split(" ").join("")]);
  }
  function normaliseSentence(text) {
    text = collapseSpace(text).replace(/’/g, "'").replace(/‘/g, "'").replace(/“/g, '"').replace(/”/g, '"');
    var kept = "";
    for (var i = 0; i < text.length; i++) if ("*_`".indexOf(text.charAt(i)) < 0) kept += text.charAt(i);
    return stripSpace(stripChars(stripSpace(kept), inChars('"')));
  }
  // Python's repr() of a string (for the "cannot read a claim in '...'" message).
  function pyRepr(text) {
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'";
    var out = quote;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i), code = text.charCodeAt(i);
      if (c === "\\" || c === quote) out += "\\" + c;
      else if (c === "\t") out += "\\t";
      else if (c === "\n") out += "\\n";
      else if (c === "\r") out += "\\r";
      else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += "\\x" + (code < 16 ? "0" : "") + code.toString(16);
      else out += c;
    }
    return out + quote;
  }

  // ------------------------------------------------------------------ reading claims (claim_text.py)
  function ClaimError(message) { this.message = message; }

  function normaliseName(text) { return collapseSpace(text.toLowerCase()); }
  function parseNumber(text) {
    var t = stripSpace(text).toLowerCase();
    if (G.number_words[t] !== undefined) return Dec.of(G.number_words[t]);
    return Dec.of(t.replace(/,/g, ""));
  }
  function scaled(number, scale) {
    var v = parseNumber(number);
    if (scale) v = v.mul(Dec.of(G.scales[scale.toLowerCase()]));
    return v;
  }
  function resolveExact(data, phrase) {
    var vs = nameVariants(phrase);
    for (var i = 0; i < vs.length; i++) {
      var id = data.modelNames[normaliseName(vs[i])];
      if (id) return id;
    }
    return null;
  }
  function resolveModel(data, phrase) {
    var cleaned = cleanName(phrase);
    var found = resolveExact(data, cleaned);
    if (found) return found;
    var suggestions = suggest(data, cleaned);
    throw new ClaimError("Unknown model: " + cleaned + (suggestions.length ? "; did you mean " + suggestions.join(", ") + "?" : ""));
  }
  function lookupProvider(data, phrase) {
    var candidates = providerCandidates(phrase);
    for (var i = 0; i < candidates.length; i++) {
      var id = data.providerNames[normaliseName(candidates[i])];
      if (id) return id;
    }
    return null;
  }
  // A model phrase that may end "on|at|via|from|through <host>": [model id, host id or null].
  // An aside may name the host ("Kimi K2.5 (on DeepInfra)"); a refusal never drops a host it names.
  function resolveModelAndHost(data, phrase) {
    var cleaned = cleanName(phrase);
    var found = resolveExact(data, cleaned);
    if (found) return [found, asideHost(data, phrase)];
    var tokens = tokenize(phrase), unknown = null, lastTail = null;
    for (var i = 0; i < tokens.length; i++) {
      var t = tokens[i];
      if (t.kind !== "word" || G.provider_words.indexOf(t.low) < 0 || t.start === 0) continue;
      var words = cleanName(phrase.slice(0, t.start));
      var tail = stripSpace(phrase.slice(t.start));
      var host = lookupProvider(data, phrase.slice(t.end));
      var model = resolveExact(data, words);
      if (!host) {
        if (model && unknown === null) unknown = [model, phrase.slice(t.end)];
        if (words) lastTail = [words, tail];
        continue;
      }
      if (model) return [model, host];
      throw unknownWithTail(data, words, tail);
    }
    if (unknown !== null) throw new ClaimError("Unknown provider: " + providerCandidates(unknown[1])[0] + " (named for " + unknown[0] + ")");
    if (lastTail !== null) throw unknownWithTail(data, lastTail[0], lastTail[1]);
    return [resolveModel(data, phrase), null];
  }
  function unknownWithTail(data, words, tail) {
    var suggestions = suggest(data, words).map(function (x) { return x + " " + tail; });
    return new ClaimError("Unknown model: " + words + (suggestions.length ? "; did you mean " + suggestions.join(", ") + "?" : ""));
  }
  // The host an aside after a model names: "Kimi K2.5 (on DeepInfra)", "(via OpenRouter)".
  function asideHost(data, phrase) {
    var start = phrase.indexOf("(");
    while (start >= 0) {
      var close = phrase.indexOf(")", start + 1);
      if (close < 0) return null;
      var inner = phrase.slice(start + 1, close), tokens = tokenize(inner);
      if (tokens.length > 1 && tokens[0].kind === "word" && G.provider_words.indexOf(tokens[0].low) >= 0) {
        var host = lookupProvider(data, inner.slice(tokens[0].end));
        if (host) return host;
      }
      start = phrase.indexOf("(", close + 1);
    }
    return null;
  }
  function phraseRef(data, phrase) {
    var r = resolveModelAndHost(data, phrase);
    return { model: r[0], provider: r[1], statistic: "auto" };
  }
  function isUnknownModel(e) { return e instanceof ClaimError && e.message.indexOf("Unknown model: ") === 0; }
  // One model, or a group ("GPT-5 and Claude Sonnet 4.6"): read only when the whole names no model and every part does.
  function phraseRefs(data, phrase) {
    try { return [phraseRef(data, phrase)]; } catch (e) {
      if (!isUnknownModel(e)) throw e;
      var parts = [], last = 0;
      tokenize(phrase).forEach(function (t) {
        if (t.low === "and" || t.low === "," || t.low === "&") { parts.push(phrase.slice(last, t.start)); last = t.end; }
      });
      parts.push(phrase.slice(last));
      parts = parts.filter(function (p) { return stripSpace(p) !== ""; });
      if (parts.length < 2) throw e;
      var refs = [], refused = null;
      parts.forEach(function (p) {
        try { refs.push(phraseRef(data, p)); } catch (e2) {
          if (!(e2 instanceof ClaimError)) throw e2;
          if (refused === null) refused = e2;
        }
      });
      if (refused === null) return refs;
      throw refs.length ? refused : e; // a part that is no model is what could not be read
    }
  }
  // The model the first words of a phrase name, the rest describing it (claim_text.leading_model), else null.
  function leadingModel(data, phrase, described) {
    var tokens = tokenize(phrase);
    for (var cut = tokens.length - 1; cut > 0; cut--) {
      var model = resolveExact(data, cleanName(phrase.slice(0, tokens[cut - 1].end)));
      if (!model) continue;
      var rest = tokens.slice(cut);
      if (!described) return model;
      if (G.description_words.indexOf(rest[0].low) >= 0 ||
          (rest[0].kind === "num" && rest.length > 1 && G.size_letters.indexOf(rest[1].low) >= 0 && rest[1].start === rest[0].end)) return model;
      return null;
    }
    return null;
  }
  // "The input price is $5 per million tokens": the words before the price are no model's name.
  function noName(phrase, text) {
    if (tokenize(phrase).every(function (t) { return G.no_name_words.indexOf(t.low) >= 0; })) {
      throw new ClaimError(pyRepr(text) + " names no model: " + pyRepr(stripSpace(phrase)) +
        " is not a model's name (say which model: '<model> input price is $5 per million tokens')");
    }
  }
  // "... for input tokens": both sides compared on that price (else the blend).
  function comparedField(c, g) {
    if (g.field) { var f = G.price_fields[tokenize(g.field).map(function (t) { return t.low; }).join(" ")]; c.a_price = f; c.b_price = f; }
    return c;
  }
  // The host of a price: "X on A costs ..." and "... on A" are one host; two different ones are refused.
  function oneHost(model, named, host) {
    if (named && host && named !== host) throw new ClaimError("two hosts named for " + model + ": " + host + " and " + named);
    return named || host;
  }
  function resolveProvider(data, phrase) {
    var candidates = providerCandidates(phrase);
    for (var i = 0; i < candidates.length; i++) {
      var id = data.providerNames[normaliseName(candidates[i])];
      if (id) return id;
    }
    throw new ClaimError("Unknown provider: " + candidates[0]);
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
    return { low: a.text(), high: b.text() };
  }
  // A claimed figure with the bound its words put on it (claim_words.bounded): "over 10x" is 10x or more.
  function bounded(f, words) {
    var said = tokenize(words || "").map(function (t) { return t.low; }).join(" ");
    if (G.at_least.indexOf(said) >= 0) return { low: f.low, high: null };
    if (G.at_most.indexOf(said) >= 0) return { low: null, high: f.high };
    return f;
  }
  function figureOf(low, high, g) { return bounded(figure(low, high), g.bound); }
  // Why a claim cannot hold whatever the prices are (claim_words.impossible), or null.
  function impossible(claim) {
    var c = claim.claimed, kind = claim.kind;
    function bounds() { return c ? [c.low, c.high].filter(function (v) { return v !== null && v !== undefined; }).map(function (v) { return Dec.of(v); }) : []; }
    function negative() { return bounds().some(function (v) { return v.sign() < 0; }); }
    if (kind === "trend" && claim.form === "percent_per_year" && c) {
      if (bounds().some(function (v) { return v.ge(100); })) {
        return "a fall of " + figureText(c, "%") + " a year is impossible: a fall of 100% leaves nothing, more would make prices negative (90% a year is a 10x fall)";
      }
    }
    if (kind === "trend" && claim.form !== "percent_per_year" && c) {
      if (bounds().some(function (v) { return v.sign() <= 0; })) return "a fall of " + figureText(c, "x") + " is impossible: a fold is above 0 (2x is half the price)";
    }
    if (kind === "price") {
      var neg = ["input", "output", "cache_read", "cache_write"].filter(function (f) { return claim[f] !== null && claim[f] !== undefined && Dec.of(claim[f]).sign() < 0; });
      if (neg.length) return "a negative price (" + neg.map(function (f) { return f.replace("_", " "); }).join(", ") + ") is impossible";
    }
    if ((kind === "request_cost" || kind === "workload") && c && negative()) return "a negative cost (" + figureText(c, "$") + ") is impossible";
    if (kind === "ratio" && c) {
      if (negative()) return "a negative " + (claim.form === "times_cheaper" ? "ratio" : "share") + " is impossible";
      if (claim.form === "times_cheaper" && c.low !== null && Dec.of(c.low).isZero()) return "0x cheaper is impossible: a ratio of prices is above 0";
      if (claim.form === "percent_cheaper" && bounds().some(function (v) { return v.gt(100); })) {
        return "a saving of " + figureText(c, "%") + " is impossible: 100% cheaper is free, more would be a negative price";
      }
    }
    return null;
  }
  function priceUnit(unit) { return unit && G.per_thousand.indexOf(unit.toLowerCase()) >= 0 ? Dec.of(1000) : Dec.one; }
  function ref(model) { return { model: model, provider: null, statistic: "auto" }; }
  function base(kind, text) { return { kind: kind, text: text, tolerance: VOCAB.tolerance }; }
  function oneModel(kind, text, model) { var c = base(kind, text); c.model = model; c.provider = null; c.statistic = "auto"; return c; }
  function ratioClaim(text, a, b, form, claimed) {
    var c = base("ratio", text);
    c.a = a; c.b = b; c.a_price = "blended"; c.b_price = "blended"; c.form = form; c.claimed = claimed;
    return c;
  }
  function trendClaim(text, form, claimed, years, price) {
    var c = base("trend", text);
    price = (price || "").toLowerCase();
    c.form = form; c.claimed = claimed; c.price = price === "output" || price === "input" ? price : "blended";
    c.score = null; c.threshold = null;
    c.reference_model = null; c.start = null; c.end = null; c.years = years;
    return c;
  }
  // The day one end of a stated period stands for (article_date.period_bound): "early 2024" is
  // February 1, "mid" July 1, "late" November 1; a month its first (start) or last day (end);
  // a year January 1 or December 31.
  var PART_DAYS = { early: [2, 1], mid: [7, 1], late: [11, 1] };
  var MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function periodWords(g, cap) { return ((g[cap + "_part"] || "").replace("-", "").trim() + " " + g[cap]).trim(); }
  function periodBound(g, cap, side, text) {
    var words = g[cap];
    if (words === undefined) return null;
    var part = (g[cap + "_part"] || "").replace("-", "").trim().toLowerCase();
    if (!/^(19|20)\d\d$/.test(words)) {
      throw new ClaimError("cannot check " + pyRepr(text) + ": " + pyRepr(periodWords(g, cap)) + " is not a year (1900-2099), a part of one or a month of one");
    }
    var year = Number(words);
    if (PART_DAYS[part]) return year + "-" + pad(PART_DAYS[part][0]) + "-" + pad(PART_DAYS[part][1]);
    var month = part ? MONTHS.indexOf(part.slice(0, 3)) + 1 : 0;
    if (month) {
      var last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      return year + "-" + pad(month) + "-" + (side === "start" ? "01" : pad(last));
    }
    return side === "start" ? year + "-01-01" : year + "-12-31";
  }
  function statedPeriod(g, text) {
    var start = periodBound(g, "since", "start", text), end = periodBound(g, "until", "end", text);
    if (start !== null && end !== null && end <= start) {
      throw new ClaimError("cannot check " + pyRepr(text) + ": a period from " + periodWords(g, "since") + " to " + periodWords(g, "until") + " ends before it starts");
    }
    return [start, end];
  }
  // A captured price in dollars ("$0.28", "$1.2K", "28 cents").
  function amount(g, cap) {
    var v = scaled(g[cap], g[cap + "_scale"]);
    return g[cap + "_cents"] ? v.div(Dec.of(100)) : v;
  }
  function priceClaims(g, text, data) {
    var scale = priceUnit(g.unit);
    var r = resolveModelAndHost(data, g.model);
    var c = oneModel("price", text, r[0]);
    c.provider = oneHost(r[0], g.provider ? resolveProvider(data, g.provider) : null, r[1]);
    c.input = amount(g, "inp").mul(scale).text();
    c.output = amount(g, "out").mul(scale).text();
    c.cache_read = null; c.cache_write = null;
    return [c];
  }
  // The host a lead-in ends with ("... comes from Anthropic's retail API pricing: $5 ..."), if any.
  function leadProvider(data, lead) {
    if (!lead) return null;
    var tokens = tokenize(lead);
    for (var i = 0; i < tokens.length; i++) {
      var candidates = providerCandidates(lead.slice(tokens[i].start));
      for (var j = 0; j < candidates.length; j++) {
        var id = data.providerNames[normaliseName(candidates[j])];
        if (id) return id;
      }
    }
    return null;
  }
  // One to three priced fields; a leg without its own unit takes the unit another leg names.
  function fieldPriceClaims(g, text, data) {
    var legs = ["1", "2", "3"].filter(function (n) { return g["v" + n]; });
    var units = legs.map(function (n) { return g["u" + n] || g["w" + n]; });
    var shared = null;
    units.forEach(function (u) { if (u && !shared) shared = u; });
    var prices = {};
    legs.forEach(function (n, i) {
      var field = G.price_fields[tokenize(g["f" + n]).map(function (t) { return t.low; }).join(" ")];
      prices[field] = amount(g, "v" + n).mul(priceUnit(units[i] || shared)).text();
    });
    noName(g.model, text);
    var r;
    try { r = resolveModelAndHost(data, g.model); } catch (e) {
      // "Kimi K2.5 1T params with 32B active: $0.45 ...": the name, then a description
      var described = isUnknownModel(e) && g.verb === ":" ? leadingModel(data, g.model, true) : null;
      if (!described) throw e;
      r = [described, null];
    }
    var named = g.provider ? resolveProvider(data, g.provider) : null;
    var c = oneModel("price", text, r[0]);
    c.provider = oneHost(r[0], named, r[1]) || leadProvider(data, g.lead);
    ["input", "output", "cache_read", "cache_write"].forEach(function (f) { c[f] = prices[f] !== undefined ? prices[f] : null; });
    return [c];
  }
  function percentClaims(form) {
    return function (g, text, data) {
      var a = phraseRef(data, g.a);
      return phraseRefs(data, g.b).map(function (b) { return comparedField(ratioClaim(text, a, b, form, figureOf(g.p, g.p2, g)), g); });
    };
  }
  // A workload claim under both cache readings: the hit rate as a share of input, or of all tokens.
  function workloadClaims(g, text, data) {
    var low = scaled(g.t1, g.t1_scale || g.t2_scale);
    var tokens = pointFigure(low);
    if (g.t2) { var high = scaled(g.t2, g.t2_scale); tokens = high.lt(low) ? { low: high.text(), high: low.text() } : { low: low.text(), high: high.text() }; }
    var x = scaled(g.x, g.x_scale), claimed = pointFigure(x);
    if (g.y) { var y = scaled(g.y, g.y_scale); claimed = y.lt(x) ? { low: y.text(), high: x.text() } : { low: x.text(), high: y.text() }; }
    claimed = bounded(claimed, g.bound);
    var r = resolveModelAndHost(data, g.model), model = r[0];
    var a = parseNumber(g.a), b = parseNumber(g.b);
    var period = g.period.toLowerCase();
    return ["input", "all"].map(function (reading) {
      var c = oneModel("workload", text, model);
      c.provider = r[1];
      c.tokens_per_day = period === "day" ? tokens : null;
      c.tokens_per_month = period === "day" ? null : tokens;
      c.input_share = a.div(a.add(b)).text();
      c.cache_hit = parseNumber(g.hit).div(Dec.of(100)).text();
      c.cache_reading = reading;
      c.cache_write_share = "0"; c.days_per_month = "30";
      c.per = g.per.toLowerCase();
      c.claimed = claimed;
      return c;
    });
  }
  // Arithmetic on the sentence's own figures (analysis/claim_arithmetic.py).
  var APPROX_TOLERANCE = Dec.of("0.05");
  function toleranceFor(claimed, approx) {
    var value = Dec.of(claimed.replace(/,/g, ""));
    if (value.isZero()) return (approx ? APPROX_TOLERANCE : Dec.zero).text();
    var rounding = Dec.of("0.5").mul(new Dec(ONE_N, value.e)).div(value.abs()).normalize();
    return (approx && APPROX_TOLERANCE.gt(rounding) ? APPROX_TOLERANCE : rounding).text();
  }
  function arithmeticClaim(text, expression, claimed, label, unit, tolerance) {
    return { text: text, tolerance: tolerance, kind: "arithmetic", expression: expression, claimed: claimed, label: label, unit: unit, given: [] };
  }
  function bound(low, high) { return { low: low === null ? null : low.text(), high: high === null ? null : high.text() }; }
  var ABOVE = ["above", "over", "higher than", "more than", "greater than", "beyond"];
  var PER_UNIT = { million: 1000000, mil: 1000000, m: 1000000, mtok: 1000000, mtoks: 1000000 };
  var DAYS = { day: Dec.of(1), month: Dec.of(30), year: Dec.of(365) };
  var ARITHMETIC_BUILDERS = {
    stated_product: function (g, text) {
      var a = scaled(g.a, g.a_scale), b = scaled(g.b, g.b_scale), c = scaled(g.c, g.c_scale);
      var unit = (g.unit || "").toLowerCase().replace(/,/g, "");
      var per = PER_UNIT[unit] !== undefined ? PER_UNIT[unit] : (unit ? 1000 : 1);
      var expression = a.toString() + " * " + b.toString() + (per !== 1 ? " / " + per : "");
      var label = a.toString() + " x " + fmt(b, "$") + (per !== 1 ? " per " + group(String(per)) : "");
      return [arithmeticClaim(text, expression, pointFigure(c), label, "$", toleranceFor(g.c, !!g.approx))];
    },
    stated_equation: function (g, text) {
      var a = scaled(g.a, g.a_scale), b = scaled(g.b, g.b_scale), c = scaled(g.c, g.c_scale);
      var op = g.op === "+" ? "+" : "*";
      return [arithmeticClaim(text, a.toString() + " " + op + " " + b.toString(), pointFigure(c),
        "the sentence's own " + (op === "+" ? "sum" : "product"), "", toleranceFor(g.c, !!g.approx))];
    },
    per_period: function (g, text) {
      var x = scaled(g.x, g.x_scale), y = scaled(g.y, g.y_scale);
      var p1 = g.p1.toLowerCase(), p2 = g.p2.toLowerCase();
      var a = DAYS[p1], b = DAYS[p2], expression;
      if (p1 === "month" && p2 === "year") expression = x.toString() + " * 12";
      else if (a.le(b)) expression = x.toString() + " * " + b.div(a).toString();
      else expression = x.toString() + " / " + a.div(b).toString();
      var claims = [arithmeticClaim(text, expression, pointFigure(y),
        fmt(x, "$") + " a " + p1 + " as a " + p2 + " (a month of 30 days, a year of 365 days or 12 months)", "$", toleranceFor(g.y, !!g.approx))];
      if ((p1 === "day" && p2 === "month") || (p1 === "month" && p2 === "day")) {  // a month of 365 / 12 days too
        claims.push(arithmeticClaim(text, x.toString() + (p1 === "day" ? " * 365 / 12" : " * 12 / 365"), pointFigure(y),
          fmt(x, "$") + " a " + p1 + " as a " + p2 + " (a month of 365 / 12 days)", "$", toleranceFor(g.y, !!g.approx)));
      }
      return claims;
    },
    share_of: function (g, text) {
      var p = parseNumber(g.p), x = scaled(g.x, g.x_scale), y = scaled(g.y, g.y_scale);
      return [arithmeticClaim(text, x.toString() + " * " + p.toString() + " / 100", pointFigure(y),
        fmt(p, "%") + " of " + fmt(x, "$"), "$", toleranceFor(g.y, !!g.approx))];
    },
    beyond_range: function (g, text) {
      var x = scaled(g.x, g.x_scale), a = scaled(g.lo, g.lo_scale), b = scaled(g.hi, g.hi_scale);
      var low = a.lt(b) ? a : b, high = a.lt(b) ? b : a;
      var direction = g.dir.toLowerCase().split(/\s+/).join(" ");
      var span = fmt(low, "$") + "-" + fmt(high, "$");
      var inside = low.le(x) && x.le(high) ? "; " + fmt(x, "$") + " lies inside the range" : "";
      if (ABOVE.indexOf(direction) >= 0) {
        return [arithmeticClaim(text, x.toString() + " / " + high.toString(), bound(Dec.one, null),
          fmt(x, "$") + " over the top of " + span + " (above the range: at least 1" + inside + ")", "", "0")];
      }
      return [arithmeticClaim(text, x.toString() + " / " + low.toString(), bound(null, Dec.one),
        fmt(x, "$") + " over the bottom of " + span + " (below the range: at most 1" + inside + ")", "", "0")];
    },
    split_cut: function (g, text) {
      var a = parseNumber(g.a), b = parseNumber(g.b);
      var p = parseNumber(g.p), p2 = g.p2 ? parseNumber(g.p2) : Dec.zero;
      var top = p.lt(p2) ? p2 : p;
      var routed = a.lt(b) ? b : a;
      var share = Dec.of(100).mul(routed).div(a.add(b));
      return [arithmeticClaim(text, "100 * " + routed.toString() + " / (" + a.toString() + " + " + b.toString() + ")", bound(top, null),
        "the most a " + a.toString() + "/" + b.toString() + " split can save: the " + fmt(share, "%") +
        " it routes, were the cheaper model free (a larger cut is impossible)", "%", "0")];
    }
  };

  var BUILDERS = {
    workload: workloadClaims,
    workload_on: workloadClaims,
    request: function (g, text, data) {
      var r = resolveModelAndHost(data, g.model);
      var c = oneModel("request_cost", text, r[0]);
      c.provider = r[1];
      c.input_tokens = intValue(scaled(g.inp, g.inp_scale));
      c.output_tokens = intValue(scaled(g.out, g.out_scale));
      c.cache_read_tokens = 0;
      c.claimed = bounded(pointFigure(scaled(g.usd, g.usd_scale)), g.bound);
      return [c];
    },
    price_pair: priceClaims,
    price_fields: fieldPriceClaims,
    price_fields_for: fieldPriceClaims,
    field_first: fieldPriceClaims,
    model_field: fieldPriceClaims,
    times: function (g, text, data) {
      var a = phraseRef(data, g.a);
      var dir = tokenize(g.dir).map(function (t) { return t.low; }).join(" ");
      return phraseRefs(data, g.b).map(function (b) { // "A is 3x cheaper than B and C": one comparison each
        var one = a, other = b;
        if (G.dearer.indexOf(dir) >= 0) { one = b; other = a; } // "B is 3x more expensive than A" = "A is 3x cheaper than B"
        return comparedField(ratioClaim(text, one, other, "times_cheaper", figureOf(g.n, g.n2, g)), g);
      });
    },
    paying: function (g, text, data) { return BUILDERS.times(g, text, data); }, // "paying 3x more for A vs B"
    // "A outperforms B on X while costing 14x less": A (the subject) is 14x cheaper than B.
    times_while: function (g, text, data) {
      var a;
      try { a = phraseRef(data, g.a); } catch (e) {
        var subject = isUnknownModel(e) ? leadingModel(data, g.a, false) : null;
        if (!subject) throw e;
        a = ref(subject);
      }
      var b = phraseRef(data, g.b);
      var dir = tokenize(g.dir).map(function (t) { return t.low; }).join(" ");
      if (G.dearer.indexOf(dir) >= 0) { var t = a; a = b; b = t; }
      return [ratioClaim(text, a, b, "times_cheaper", figureOf(g.n, g.n2, g))];
    },
    percent_cheaper: percentClaims("percent_cheaper"),
    percent_of: percentClaims("percent_of"),
    // "A costs a tenth of B": A is 10% of B (a fraction is a ratio).
    fraction_of: function (g, text, data) {
      var percent = G.fractions[tokenize(g.frac).map(function (t) { return t.low; }).join(" ")];
      return [ratioClaim(text, phraseRef(data, g.a), phraseRef(data, g.b), "percent_of", bounded(pointFigure(parseNumber(percent)), g.bound))];
    },
    // "B is a markup of over 10x on A": B's price is (over) 10 times A's, i.e. A is 10x cheaper.
    markup: function (g, text, data) {
      var claimed = figureOf(g.n, g.n2, g);
      return [ratioClaim(text, phraseRef(data, g.a), phraseRef(data, g.b), "times_cheaper", claimed)];
    },
    // "X cache reads cost $0.50/MTok vs $5 for uncached input, a 90% saving": both prices of X
    // (at the host named, if one is) and the saving computed on those two prices of X there.
    cache_vs_input: function (g, text, data) {
      var units = [g.u1, g.u2 || g.w2], shared = units[0] || units[1] || null;
      var r = resolveModelAndHost(data, g.model);
      var c = oneModel("price", text, r[0]);
      c.provider = r[1];
      c.input = amount(g, "v2").mul(priceUnit(units[1] || shared)).text();
      c.output = null;
      c.cache_read = amount(g, "v1").mul(priceUnit(units[0] || shared)).text();
      c.cache_write = null;
      var claims = [c];
      if (g.p) {
        var ref = { model: r[0], provider: r[1], statistic: "auto" };
        var saving = ratioClaim(text, ref, ref, "percent_cheaper", bounded(pointFigure(parseNumber(g.p)), g.bound));
        saving.a_price = "cache_read"; saving.b_price = "input";
        claims.push(saving);
      }
      return claims;
    },
    // "Caching cuts input costs by 90% on X": X's cache-read price is 90% below its input price.
    cache_cut: function (g, text, data) {
      var model = phraseRef(data, g.model);
      var c = ratioClaim(text, model, model, "percent_cheaper", bounded(pointFigure(parseNumber(g.p)), g.bound));
      c.a_price = "cache_read"; c.b_price = "input";
      return [c];
    },
    trend_fold: function (g, text) {
      var claimed = figureOf(g.n, g.n2, g), problems = [];
      if (claimed.low !== null && Dec.of(claimed.low).sign() <= 0) problems.push("a fall of " + g.n + "x means nothing (2x is half the price): the fold must be above 0");
      if (g.y === undefined) { // a stated period: "from early 2024 to early 2026", "since 2023" (claim_time.stated_period)
        var period = statedPeriod(g, text);
        if (problems.length) throw new ClaimError("cannot check " + pyRepr(text) + ": " + problems.join("; "));
        var c = trendClaim(text, "fold_over_period", claimed, null, g.price);
        c.start = period[0]; c.end = period[1];
        return [c];
      }
      var years = parseNumber(g.y);
      if (years.sign() <= 0) problems.push("a period of " + g.y + " years has no length: the years must be above 0");
      if (problems.length) throw new ClaimError("cannot check " + pyRepr(text) + ": " + problems.join("; "));
      return [trendClaim(text, "fold_over_period", claimed, years.text(), g.price)];
    },
    // "the cost is decreasing by 10x every year": a fold per year at the default level and window.
    trend_fold_year: function (g, text) {
      var claimed = figureOf(g.n, g.n2, g);
      if (claimed.low !== null && Dec.of(claimed.low).sign() <= 0) {
        throw new ClaimError("cannot check " + pyRepr(text) + ": a fall of " + g.n + "x means nothing (2x is half the price): the fold must be above 0");
      }
      return [trendClaim(text, "fold_per_year", claimed, null, g.price)];
    },
    trend_percent: function (g, text) {
      var claimed = g.plus ? { low: parseNumber(g.p).text(), high: null } : figureOf(g.p, g.p2, g);
      return [trendClaim(text, "percent_per_year", claimed, null, g.price)];
    }
  };
  Object.keys(ARITHMETIC_BUILDERS).forEach(function (form) { BUILDERS[form] = ARITHMETIC_BUILDERS[form]; });
  // An integer token count (Python's int(), towards zero): a number when exact in JSON, else its digits.
  function intValue(d) {
    var digitsText = d.trunc();
    var n = Number(digitsText);
    // exact as a JSON number when the double prints back as the same digits (9252479000000000 does)
    return Number.isSafeInteger(n) || (Number.isInteger(n) && String(n) === digitsText) ? n : digitsText;
  }

  function parseClaim(data, text) {
    var sentence = normaliseSentence(text);
    var found = matchForm(sentence);
    if (!found) {
      throw new ClaimError("cannot read a claim in " + pyRepr(sentence) + " (" + refusal(sentence) + "); the forms understood are:\n" +
        G.form_texts.map(function (f) { return "  " + f; }).join("\n"));
    }
    var claims = BUILDERS[found.form](found.groups, sentence, data);
    claims.forEach(function (c) {
      var reason = impossible(c);
      if (reason !== null) throw new ClaimError("cannot check " + pyRepr(sentence) + ": " + reason); // refused: no price makes it true
    });
    return { text: sentence, claims: claims, combine: ["workload", "workload_on", "per_period"].indexOf(found.form) >= 0 ? "any" : "all" };
  }

  // `pricewatch check TEXT [--made-on DAY] --json` in the browser: {text, at, verdict, results, made_on, then, group}, or {error}.
  function check(data, text, at, madeOn) {
    at = at || data.now;
    madeOn = madeOn || null;
    try {
      if (madeOn !== null && !/^\d{4}-\d{2}-\d{2}$/.test(madeOn)) throw new ClaimError("the day a claim was made is a date (YYYY-MM-DD), not " + pyRepr(madeOn));
      var parsed = parseClaim(data, text);
      var claims = anchorClaims(parsed.claims, madeOn);
      claims.forEach(function (c) {
        if (c.kind === "trend" && !trendMeasure(data, c, at)) {
          throw new ClaimError("this trend claim is checked by `pricewatch check \"" + parsed.text + "\"" + (madeOn ? " --made-on " + madeOn : "") +
            "`: the page has the trend measured only over 1 to 10 whole years, as of the day it was built (see the trends page)");
        }
      });
      var now = evaluateParts(data, claims, parsed.combine, at, true);
      return { text: parsed.text, at: at, verdict: now.verdict, results: now.parts,
        made_on: madeOn, then: madeOn === null ? null : evaluateParts(data, claims, parsed.combine, madeOn, false), group: now.group };
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
        total_usd: bill.total_usd.text(), monthly_cost_usd: bill.monthly_cost_usd.text(), daily_cost_usd: bill.daily_cost_usd.text(),
        lines: bill.lines.map(function (l) {
          return { label: l.label, segment: l.segment, tokens: l.tokens.text(), usd_per_mtok: l.usd_per_mtok.text(), cost_usd: l.cost_usd.text(), price_field: l.price_field, fallback: l.fallback };
        }),
        arithmetic: bill.arithmetic, assumptions: bill.assumptions, flags: bill.flags
      };
    } catch (e) {
      if (e instanceof Impossible || e instanceof MissingPrice) return { error: e.message };
      throw e;
    }
  }

  var api = {
    Dec: Dec, load: load, check: check, evaluate: function (data, claim, at) { return verdictJson(evaluate(data, claim, at)); },
    parseClaim: parseClaim, workload: workload, fmt: fmt, usd: usd, combine: combine,
    // claims.evaluate_parts: several structured parts at `at`, combined, with their group spread
    evaluateParts: function (data, claims, how, at) { return evaluateParts(data, claims, how, at, false); }
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else global.pricewatch = api;
})(typeof window !== "undefined" ? window : this);
