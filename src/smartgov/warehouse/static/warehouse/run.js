// The run page: ask the run's status every second and move the progress bar; reload the page once the run is
// done, so its report shows. Without JavaScript the page has a refresh link (docs/warehouse.md, "Ingestion").
(function () {
  "use strict";
  var section = document.getElementById("run-progress");
  if (!section || section.dataset.done === "true") { return; }
  var url = section.dataset.statusUrl;
  var bar = document.getElementById("run-bar");
  var percent = document.getElementById("run-percent");
  var rows = document.getElementById("run-rows");
  var status = document.getElementById("run-status");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(poll, 3000); return; }
        bar.value = state.percent;
        bar.textContent = state.percent + " %";
        percent.textContent = state.percent;
        rows.textContent = state.rows_read;
        status.textContent = state.status_label;
        if (state.done) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
