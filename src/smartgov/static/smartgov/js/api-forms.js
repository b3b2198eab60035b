/* Page forms that act through the JSON API.

   A form with data-api="/api/v1/…" is sent to that API as JSON (with the CSRF token of the session), the way
   any other client would call it; its answer (an RFC 7807 problem on refusal) is shown in the page. Without
   JavaScript the same form posts to its server-side action, which calls the same service. */
(function () {
  "use strict";
  var FLASH = "smartgov-flash";

  function messageList(kind, text) {
    var main = document.getElementById("main");
    var list = document.createElement("ul");
    list.className = "messages";
    list.setAttribute("role", kind === "error" ? "alert" : "status");
    var item = document.createElement("li");
    item.className = "message-" + kind;
    item.textContent = text;
    list.appendChild(item);
    main.insertBefore(list, main.firstChild);
  }

  function body(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || value === "") { return; }
      data[name] = name === "version" || name === "rating" ? Number(value) : value;
    });
    return JSON.stringify(data);
  }

  function send(event) {
    var form = event.target.closest("form[data-api]");
    if (!form) { return; }
    event.preventDefault();
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }  /* a double click sends once */
    fetch(form.getAttribute("data-api"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": token ? token.value : ""},
      body: body(form)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok) {
          sessionStorage.setItem(FLASH, form.getAttribute("data-api-done") || "OK");
          window.location.assign(form.getAttribute("data-api-next") || window.location.href);
          return;
        }
        var text = answer.title || response.statusText;
        if (answer.fields) { text += " " + Object.values(answer.fields).join("; "); }
        messageList("error", text);
        if (button) { button.disabled = false; }
      });
    }).catch(function () {
      messageList("error", form.getAttribute("data-api-offline") || "Network error");
      if (button) { button.disabled = false; }
    });
  }

  document.addEventListener("submit", send);
  var flash = sessionStorage.getItem(FLASH);
  if (flash) {
    sessionStorage.removeItem(FLASH);
    document.addEventListener("DOMContentLoaded", function () { messageList("success", flash); });
  }
})();
