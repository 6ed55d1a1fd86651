// kafkadiag report: click or Enter on a timeline mark shows its evidence
// below the chart. The page reads the same without this script (each mark
// has a tooltip and the table under the chart lists every mark).
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
  root.setAttribute("data-js", "ready");
})();
