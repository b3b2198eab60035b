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

  /* A problem with field errors (`errors`, each with its `loc`): each message beside its field, marked
     aria-invalid and described by it, and a summary at the top linking to the fields, focused and announced —
     the markup the server draws when JavaScript is off. Returns false when the problem names no field. */
  function control(form, loc) {
    var name = loc[0] === "form_data" ? loc[1] : loc[0] === "receiving_agency" ? "agency"
      : loc[0] === "components" ? "file_" + loc[1] : loc[0] === "note" ? "reason" : loc[0];
    return name ? form.querySelector("[name='" + name.replace(/[^\w-]/g, "") + "']") : null;
  }

  function clearProblems(form) {
    var old = document.getElementById("error-summary");
    if (old) { old.parentNode.removeChild(old); }
    form.querySelectorAll("[data-client-error]").forEach(function (e) { e.parentNode.removeChild(e); });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== input.id + "_error";
      });
      if (described.length) { input.setAttribute("aria-describedby", described.join(" ")); }
      else { input.removeAttribute("aria-describedby"); }
      var field = input.closest(".field");
      if (field) { field.classList.remove("field-invalid"); }
    });
  }

  function showProblem(form, problem) {
    clearProblems(form);
    if (!problem || !problem.errors || !problem.errors.length) { return false; }
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.id = "error-summary";
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("aria-labelledby", "error-summary-title");
    var title = document.createElement("h2");
    title.id = "error-summary-title";
    var count = problem.errors.length;
    title.textContent = count === 1 ? (form.getAttribute("data-summary-one") || problem.title)
      : (form.getAttribute("data-summary-many") || problem.title).replace("%(count)s", String(count));
    summary.appendChild(title);
    var list = document.createElement("ul");
    problem.errors.forEach(function (error) {
      var item = document.createElement("li");
      var input = control(form, error.loc || []);
      if (input && input.id) {
        var link = document.createElement("a");
        link.href = "#" + input.id;
        link.textContent = error.msg;
        item.appendChild(link);
        var message = document.createElement("ul");
        message.className = "errorlist";
        message.id = input.id + "_error";
        message.setAttribute("data-client-error", "");
        var line = document.createElement("li");
        line.textContent = error.msg;
        message.appendChild(line);
        input.parentNode.insertBefore(message, input);
        input.setAttribute("aria-invalid", "true");
        var described = input.getAttribute("aria-describedby");
        input.setAttribute("aria-describedby", (described ? described + " " : "") + message.id);
        var field = input.closest(".field");
        if (field) { field.classList.add("field-invalid"); }
      } else {
        item.textContent = error.msg;
      }
      list.appendChild(item);
    });
    summary.appendChild(list);
    form.parentNode.insertBefore(summary, form);
    summary.focus();
    return true;
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
        if (!showProblem(form, answer)) { messageList("error", answer.title || response.statusText); }
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
    /* A submission is checked before anything is saved: a form with errors leaves no draft behind. Once a
       draft exists (saved, or created by a valid submission to hold its documents) every try reuses it, and
       the address names it, so that reloading the page continues the same draft. */
    var checked = submitting && !(idInput && idInput.value)
      ? call("POST", api + "/dossiers/check", token, draft) : Promise.resolve();
    var saved = checked.then(function () {
      return idInput && idInput.value
        ? call("PUT", api + "/dossiers/" + idInput.value, token, draft)
        : call("POST", api + "/dossiers", token, draft);
    });
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
            .then(function () { input.value = ""; }, function (problem) {
              /* a refused file (type, size, active content) is that document's error, beside its input */
              if (problem && problem.title && !problem.errors) {
                problem.errors = [{loc: ["components", input.name.replace(/^file_/, "")], msg: problem.title}];
              }
              throw problem;
            });
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
      if (idInput && idInput.value) {  /* a draft now exists: a reload of the page continues it */
        window.history.replaceState(null, "", window.location.pathname + "?ho-so=" + idInput.value);
      }
      if (!showProblem(form, problem)) {
        messageList("error", (problem && problem.title) || form.getAttribute("data-api-offline"));
      }
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
