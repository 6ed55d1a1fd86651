// kafkadiag report: click or Enter on a timeline mark shows its evidence
// below the chart; a click on a table heading sorts the table. The page
// reads the same without this script (each mark has a tooltip and the
// table under the chart lists every mark).
(function () {
  "use strict";
  var root = document.documentElement;
  window.addEventListener("error", function () { root.setAttribute("data-js-error", "1"); });
  var panel = document.getElementById("mark-detail");
  function show(mark) {
    var title = mark.querySelector("title");
    if (!panel || !title) { return; }
    panel.textContent = title.textContent;
    panel.hidden = false;
  }
  var marks = document.querySelectorAll(".mk");
  for (var i = 0; i < marks.length; i++) {
    marks[i].addEventListener("click", function (ev) { show(ev.currentTarget); });
    marks[i].addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); show(ev.currentTarget); }
    });
  }
  // Click a column heading to sort the table by it (again to reverse).
  function cellKey(row, col, numeric) {
    var t = row.cells[col] ? row.cells[col].textContent.trim() : "";
    return numeric ? parseFloat(t) || 0 : t;
  }
  var heads = document.querySelectorAll("table thead th");
  for (var h = 0; h < heads.length; h++) {
    heads[h].classList.add("sortable");
    heads[h].addEventListener("click", function (ev) {
      var th = ev.currentTarget, table = th.closest("table"), body = table && table.tBodies[0];
      if (!body) { return; }
      var col = th.cellIndex, numeric = th.classList.contains("num");
      var dir = th.getAttribute("data-sort") === "asc" ? -1 : 1;
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = cellKey(a, col, numeric), y = cellKey(b, col, numeric);
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
      for (var r = 0; r < rows.length; r++) { body.appendChild(rows[r]); }
      th.setAttribute("data-sort", dir === 1 ? "asc" : "desc");
    });
  }
  root.setAttribute("data-js", "ready");
})();
