/* The owner's console: the PIN and the co-hosts' links (create, list, revoke). */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t;
  var el = A.el;
  if (!A.byId("access")) return; // co-hosts do not manage access
  var base = "/api/workshops/" + encodeURIComponent(A.config.code);
  var message = A.byId("access-msg");

  function report(response, okText) {
    if (response && response.ok) A.notify(message, okText || t.saved, "ok");
    else A.notify(message, (response && response.message) || t.error_generic, "error");
    return response;
  }

  function revokeButton(cohost) {
    return el("button", {
      type: "button", text: t.revoke,
      onclick: function () {
        A.api("DELETE", base + "/cohosts/" + cohost.id).then(function (r) {
          report(r, t.revoked);
          load();
        });
      },
    });
  }

  function render(access) {
    if (!access || !access.cohosts) return;
    A.byId("pin-state").textContent = access.pin_set ? t.pin_on : t.pin_off;
    var list = A.byId("cohosts");
    list.textContent = "";
    access.cohosts.forEach(function (cohost) {
      list.appendChild(el("li", { "data-cohost": String(cohost.id) }, [
        el("span", { dir: "auto", text: cohost.label || t.no_label }), " ", revokeButton(cohost),
      ]));
    });
  }

  function load() {
    A.api("GET", base + "/access").then(render);
  }

  A.byId("pin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = A.byId("pin-input");
    A.api("PUT", base + "/pin", { pin: input.value.trim() || null }).then(function (r) {
      report(r);
      if (r.ok) input.value = "";
      load();
    });
  });

  A.byId("cohost-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var label = A.byId("cohost-label");
    A.api("POST", base + "/cohosts", { label: label.value }).then(function (r) {
      report(r);
      if (!r.ok) return;
      label.value = "";
      var shown = A.byId("cohost-new");
      shown.hidden = false;
      shown.textContent = "";
      shown.appendChild(el("span", { text: t.cohost_created + " " }));
      shown.appendChild(el("code", { className: "url", text: r.facilitator_url }));
      load();
    });
  });

  load();
})();
