// The query page: changing the chart's kind or columns runs the query again to redraw it (the same form, which
// also works without JavaScript through its button); Ctrl+Enter in the SQL box runs the query.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  if (!form) { return; }
  ["chart", "chart_x", "chart_y"].forEach(function (name) {
    var select = document.getElementById(name);
    if (select) { select.addEventListener("change", function () { form.requestSubmit(); }); }
  });
  var sql = document.getElementById("sql");
  if (sql) {
    sql.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
    });
  }
})();
