/* Page forms that act through the JSON API.

   A form with data-api="/api/v1/…" is sent to that API as JSON (with the CSRF token of the session), the way
   any other client would call it; its answer (an RFC 7807 problem on refusal) is shown in the page. Without
   JavaScript the same form posts to its server-side action, which calls the same service. */
(function () {
  "use strict";
  var FLASH = "smartgov-flash";

  function messageList(kind, text) {
    var main = document.getElementById("main");
    var region = document.createElement("div");  /* the role on a wrapper: a list with role "alert" is no list */
    region.setAttribute("role", kind === "error" ? "alert" : "status");
    var list = document.createElement("ul");
    list.className = "messages";
    var item = document.createElement("li");
    item.className = "message-" + kind;
    item.textContent = text;
    list.appendChild(item);
    region.appendChild(list);
    main.insertBefore(region, main.firstChild);
  }

  function body(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      /* the form key is for the page's own POST; the API has its own rules */
      if (name === "csrfmiddlewaretoken" || name === "form_key" || value === "" || value instanceof File) { return; }
      var numeric = name === "version" || name === "rating" || name === "amount_vnd";
      data[name] = numeric ? Number(value) : value;
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
    uploads(form, token ? token.value : "").then(function () { return fetch(form.getAttribute("data-api"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": token ? token.value : ""},
      body: body(form)
    }); }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok) {
          /* the API's own sentence of what was done (a move says where the dossier went), else the form's */
          sessionStorage.setItem(FLASH, answer.message || form.getAttribute("data-api-done") || "OK");
          window.location.assign(form.getAttribute("data-api-next") || window.location.href);
          return;
        }
        var text = answer.title || response.statusText;
        if (answer.fields) { text += " " + Object.values(answer.fields).join("; "); }
        messageList("error", text);
        if (button) { button.disabled = false; }
      });
    }).catch(function (problem) {
      messageList("error", (problem && problem.title) || form.getAttribute("data-api-offline") || "Network error");
      if (button) { button.disabled = false; }
    });
  }

  /* Documents chosen in a form with data-api-files go up first, one call each. */
  function uploads(form, token) {
    var url = form.getAttribute("data-api-files");
    if (!url) { return Promise.resolve(); }
    return Array.prototype.reduce.call(form.querySelectorAll("input[type=file]"), function (chain, input) {
      if (!input.files.length) { return chain; }
      return chain.then(function () {
        var payload = new FormData();
        payload.append("component", input.name.replace(/^file_/, ""));
        payload.append("file", input.files[0]);
        return call("POST", url, token, payload, true);
      });
    }, Promise.resolve());
  }

  /* The application form: save the draft (create or update), upload each chosen document, then submit —
     four kinds of API call, the same a mobile application makes. */
  function call(method, url, token, payload, isFile) {
    var headers = {"Accept": "application/json", "X-CSRFToken": token};
    if (!isFile) { headers["Content-Type"] = "application/json"; }
    return fetch(url, {method: method, credentials: "same-origin", headers: headers,
                       body: isFile ? payload : JSON.stringify(payload)})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) { throw answer; }
          return answer;
        });
      });
  }

  function apply(event) {
    var form = event.target.closest("form[data-api-apply]");
    if (!form) { return false; }
    event.preventDefault();
    var api = form.getAttribute("data-api-apply");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var submitting = event.submitter && event.submitter.value === "submit";
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    var formData = {};
    form.querySelectorAll("[data-schema-field] input, [data-schema-field] select, [data-schema-field] textarea")
      .forEach(function (input) {
        if (input.value === "") { return; }
        formData[input.name] = input.type === "number" ? Number(input.value) : input.value;
      });
    var idInput = form.querySelector("input[name=dossier]");
    var draft = {procedure_code: form.getAttribute("data-procedure"), form_data: formData,
                 receiving_agency: form.querySelector("select[name=agency]").value};
    var saved = idInput && idInput.value
      ? call("PUT", api + "/dossiers/" + idInput.value, token, draft)
      : call("POST", api + "/dossiers", token, draft);
    saved.then(function (dossier) {
      if (!idInput) {
        idInput = document.createElement("input");
        idInput.type = "hidden"; idInput.name = "dossier"; form.appendChild(idInput);
      }
      idInput.value = dossier.id;
      var uploads = Array.prototype.filter.call(form.querySelectorAll("input[type=file]"), function (f) {
        return f.files.length > 0;
      });
      return uploads.reduce(function (chain, input) {
        return chain.then(function () {
          var body = new FormData();
          body.append("component", input.name.replace(/^file_/, ""));
          body.append("file", input.files[0]);
          return call("POST", api + "/dossiers/" + dossier.id + "/attachments", token, body, true)
            .then(function () { input.value = ""; });
        });
      }, Promise.resolve()).then(function () {
        /* documents taken from the applicant's store: no upload, one call each (once-only) */
        var reused = Array.prototype.filter.call(form.querySelectorAll("select[data-reuse]"), function (s) {
          return s.value !== "";
        });
        return reused.reduce(function (chain, select) {
          return chain.then(function () {
            return call("POST", api + "/dossiers/" + dossier.id + "/attachments/reuse", token,
                        {component: select.getAttribute("data-reuse"), document: Number(select.value)})
              .then(function () { select.value = ""; });
          });
        }, Promise.resolve());
      }).then(function () {
        if (!submitting) {
          sessionStorage.setItem(FLASH, form.getAttribute("data-saved"));
          window.location.assign(window.location.pathname + "?ho-so=" + dossier.id);
          return null;
        }
        return call("POST", api + "/dossiers/" + dossier.id + "/submit", token, {}).then(function (done) {
          sessionStorage.setItem(FLASH, form.getAttribute("data-submitted").replace("%(code)s", done.code));
          window.location.assign(form.getAttribute("data-next").replace("0", String(done.id)));
        });
      });
    }).catch(function (problem) {
      var text = (problem && problem.title) || form.getAttribute("data-api-offline");
      if (problem && problem.fields) { text += " " + Object.values(problem.fields).join("; "); }
      messageList("error", text);
      buttons.forEach(function (b) { b.disabled = false; });
    });
    return true;
  }

  document.addEventListener("submit", function (event) {
    if (!apply(event)) { send(event); }
  });
  var flash = sessionStorage.getItem(FLASH);
  if (flash) {
    sessionStorage.removeItem(FLASH);
    document.addEventListener("DOMContentLoaded", function () { messageList("success", flash); });
  }
})();
