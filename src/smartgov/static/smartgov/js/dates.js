/* Dates typed as day/month/year (20/11/2026) or day/month/year hour:minute (20/11/2026 14:30).

   Inputs with data-date="day" or data-date="moment" (smartgov.platform.dates) are plain text inputs: the pattern
   attribute is the browser's first check; this file adds the calendar's (no 31/02) with the input's own message
   (data-invalid), and, for a form that calls the JSON API (data-api), sends the ISO 8601 form the API keeps.
   Without JavaScript the server parses the same text. */
(function () {
  "use strict";
  var DAY = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/;
  var MOMENT = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})\s*$/;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* The ISO text of the input's value, "" when empty, null when it is no real date (or time). */
  function iso(input) {
    var text = input.value;
    if (!text.trim()) { return ""; }
    var moment = input.getAttribute("data-date") === "moment";
    var found = (moment ? MOMENT : DAY).exec(text);
    if (!found) { return null; }
    var day = Number(found[1]), month = Number(found[2]), year = Number(found[3]);
    var probe = new Date(Date.UTC(year, month - 1, day));
    if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
      return null;
    }
    var result = year + "-" + pad(month) + "-" + pad(day);
    if (moment) {
      var hour = Number(found[4]), minute = Number(found[5]);
      if (hour > 23 || minute > 59) { return null; }
      result += "T" + pad(hour) + ":" + pad(minute);
    }
    return result;
  }

  function check(input) {
    input.setCustomValidity(iso(input) === null ? (input.getAttribute("data-invalid") || "dd/mm/yyyy") : "");
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-date]")) { check(event.target); }
  });

  /* Before api-forms.js reads the form (capture phase on window runs first): refuse a wrong date in place, and
     give the API its ISO value in a hidden twin of each date input. */
  window.addEventListener("submit", function (event) {
    var form = event.target;
    var inputs = form.querySelectorAll("input[data-date]");
    for (var i = 0; i < inputs.length; i += 1) {
      check(inputs[i]);
      if (!inputs[i].checkValidity()) {
        event.preventDefault();
        event.stopImmediatePropagation();
        inputs[i].reportValidity();
        return;
      }
    }
    if (!form.hasAttribute("data-api")) { return; }
    Array.prototype.forEach.call(inputs, function (input) {
      var name = input.getAttribute("name") || input.getAttribute("data-name");
      input.setAttribute("data-name", name);
      input.removeAttribute("name");
      var twin = form.querySelector("input[type=hidden][data-iso-of='" + input.id + "']");
      if (!twin) {
        twin = document.createElement("input");
        twin.type = "hidden";
        twin.setAttribute("data-iso-of", input.id);
        form.appendChild(twin);
      }
      twin.name = name;
      twin.value = iso(input) || "";
    });
  }, true);

  document.querySelectorAll("input[data-date]").forEach(function (input) { if (input.value) { check(input); } });
})();
