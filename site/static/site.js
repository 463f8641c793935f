/* pricewatch: sortable and filterable tables. Progressive enhancement: every table is
   complete HTML without this script; it only adds sort buttons and the filter form.
   The state of the table marked data-url-state (its sort, search and filter) is kept in the
   page's address (#sort=output&dir=ascending&weights=open&q=kimi), so a reload or a shared
   link shows the same view. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
  }

  function sortTable(table, index, kind, direction) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = direction === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      // Unknown values sort last whichever the direction.
      if (x === "" && y === "") return 0;
      if (x === "") return 1;
      if (y === "") return -1;
      if (kind === "num") {
        var d = parseFloat(x) - parseFloat(y);
        return d === 0 ? 0 : sign * (d < 0 ? -1 : 1);
      }
      return sign * x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  // The address's state: "#a=1&b=2" -> {a: "1", b: "2"}; a plain anchor ("#no-current") is no state.
  function readState() {
    var hash = window.location.hash.replace(/^#/, "");
    var state = {};
    if (hash.indexOf("=") < 0) return state;
    hash.split("&").forEach(function (part) {
      var pair = part.split("=");
      if (pair.length === 2 && pair[1] !== "") state[decodeURIComponent(pair[0])] = decodeURIComponent(pair[1].replace(/\+/g, " "));
    });
    return state;
  }

  function writeState(state) {
    var parts = [];
    ["sort", "dir", "weights", "q"].forEach(function (key) {
      if (state[key]) parts.push(key + "=" + encodeURIComponent(state[key]));
    });
    var url = window.location.href.split("#")[0] + (parts.length ? "#" + parts.join("&") : "");
    try { window.history.replaceState(null, "", url); } catch (error) { /* some file:// setups refuse */ }
  }

  function headerKey(th) {
    return th.getAttribute("data-key") || th.textContent.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-");
  }

  function makeSortable(table, state, onChange) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    var buttons = {};
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var key = headerKey(th);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.setAttribute("aria-label", "Sort by " + th.textContent);
      th.textContent = "";
      th.appendChild(button);
      function apply(direction) {
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", direction);
        sortTable(table, index, kind, direction);
      }
      buttons[key] = apply;
      button.addEventListener("click", function () {
        var next = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        apply(next);
        if (onChange) onChange({ sort: key, dir: next });
      });
    });
    if (state && state.sort && buttons[state.sort]) {
      buttons[state.sort](state.dir === "descending" ? "descending" : "ascending");
    }
  }

  function setUpFilters(form, table, state, onChange) {
    form.hidden = false;
    var rows = table.tBodies[0].rows;
    var count = form.querySelector("output[name=count]");
    if (state.q) form.elements.q.value = state.q;
    if (state.weights) form.elements.weights.value = state.weights;
    function apply() {
      var query = (form.elements.q.value || "").trim().toLowerCase();
      var weights = form.elements.weights.value;
      var shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var ok = (!query || (row.getAttribute("data-search") || "").indexOf(query) !== -1) &&
          (!weights || row.getAttribute("data-weights") === weights);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + rows.length + " models";
    }
    function changed() {
      apply();
      onChange({ q: form.elements.q.value.trim(), weights: form.elements.weights.value });
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var state = readState();
    function update(change) {
      Object.keys(change).forEach(function (key) { state[key] = change[key]; });
      writeState(state);
    }
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
      var kept = table.hasAttribute("data-url-state");
      makeSortable(table, kept ? state : null, kept ? update : null);
    });
    var form = document.getElementById("compare-filters");
    var table = document.getElementById("compare");
    if (form && table) setUpFilters(form, table, state, update);
  });
})();
