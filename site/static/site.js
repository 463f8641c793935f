/* pricewatch: sortable and filterable tables. Progressive enhancement: every table is
   complete HTML without this script; it only adds sort buttons and the filter form. */
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

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.setAttribute("aria-label", "Sort by " + th.textContent);
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var next = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", next);
        sortTable(table, index, kind, next);
      });
    });
  }

  function setUpFilters(form, table) {
    form.hidden = false;
    var rows = table.tBodies[0].rows;
    var count = form.querySelector("output[name=count]");
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
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    var form = document.getElementById("compare-filters");
    var table = document.getElementById("compare");
    if (form && table) setUpFilters(form, table);
  });
})();
