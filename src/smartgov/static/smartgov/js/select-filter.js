/* A long select (the ~135 agencies a dossier can be handed to) narrowed as the officer types.

   The page has a search form (form[data-filter-for="<select id>"]) that works without JavaScript: it reloads the
   page with the list narrowed on the server. With JavaScript the same field narrows the list at once, matching
   every word with or without diacritics ("so tu phap" finds "Sở Tư pháp"), opens it as a list box while a query
   is typed, picks the only match, and says how many agencies match (a status region for screen readers). */
(function () {
  "use strict";

  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function narrow(search, select, count) {
    var words = fold(search.value).split(" ").filter(Boolean);
    var shown = 0, groups = 0, only = null;
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) { return; }
      var haystack = fold(option.textContent) + " " + option.value.toLowerCase();
      var match = words.every(function (word) { return haystack.indexOf(word) !== -1; });
      option.hidden = !match;
      option.disabled = !match;  /* a hidden option can still be chosen with the keyboard otherwise */
      if (match) { shown += 1; only = option; }
    });
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
      if (!group.hidden) { groups += 1; }
    });
    var selected = select.options[select.selectedIndex];
    if (selected && selected.hidden) { select.value = ""; }
    if (words.length && shown === 1) { select.value = only.value; }
    /* while a query is typed the list stays open (a list box), tall enough for the matches and their groups */
    select.size = words.length ? Math.min(10, Math.max(4, shown + groups + 1)) : 0;
    if (count) { count.textContent = (count.getAttribute("data-count-template") || "%(n)s").replace("%(n)s", shown); }
  }

  document.querySelectorAll("form[data-filter-for]").forEach(function (form) {
    /* the search field may sit elsewhere on the page and belong to this form through its form attribute */
    var select = document.getElementById(form.getAttribute("data-filter-for"));
    var fields = Array.prototype.slice.call(form.elements);
    var search = fields.filter(function (e) { return e.type === "search"; })[0];
    if (!select || !search) { return; }
    var count = document.querySelector("[data-count-template]");
    fields.forEach(function (e) { if (e.type === "submit") { e.remove(); } });  /* it narrows as one types */
    search.addEventListener("input", function () { narrow(search, select, count); });
    form.addEventListener("submit", function (event) { event.preventDefault(); select.focus(); });
    if (search.value) { narrow(search, select, count); }
  });
})();
