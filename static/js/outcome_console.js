/* The console's "Outcome page" card: when the public page is readable, what it shows, its
   link and QR code, and one link per organisation to its one-pager (docs/workplan.md). */
(function () {
  "use strict";

  var A = window.Atelier;
  var card = A.byId("outcome-card");
  if (!card) return;
  var conf = JSON.parse(A.byId("outcome-config").textContent);
  var s = conf.strings;
  var url = "/api/workshops/" + encodeURIComponent(A.config.code) + "/outcome";
  var message = A.byId("outcome-msg");
  var inputs = Array.prototype.slice.call(card.querySelectorAll("input[name^='outcome-']"));
  var seenVersion = null;
  var loading = null;
  var pending = null;

  function render(answer) {
    var o = answer.outcome;
    inputs.forEach(function (input) {
      input.checked = input.name === "outcome-state" ? input.value === o.state : !!o[input.value];
      input.disabled = false;
    });
    var status = A.byId("outcome-status");
    status.textContent = o.public ? s.public : (o.state === "unpublished" ? s.unpublished : s.when_closed);
    status.setAttribute("data-public", o.public ? "1" : "0");
    var link = A.byId("outcome-link");
    link.href = o.url;
    link.textContent = o.url;
    link.hidden = !o.url; // an empty link is a link nobody can name
    var qr = A.byId("outcome-qr");
    qr.hidden = !o.public;
    if (o.public) qr.src = "/o/" + encodeURIComponent(o.key) + "/qr.svg?v=" + Date.now();
    var list = A.byId("outcome-orgs");
    list.replaceChildren();
    answer.organisations.forEach(function (org) {
      var name = org.acronym ? org.acronym + " · " + org.name : org.name;
      var links = conf.languages.map(function (lang) {
        return A.el("a", { href: org.url + "&lang=" + lang[0], lang: lang[0], target: "_blank", rel: "noopener" }, [lang[1]]);
      });
      var items = [A.el("bdi", { text: name }), " (" + org.commitments + ") "];
      links.forEach(function (a, i) { if (i) items.push(" · "); items.push(a); });
      list.appendChild(A.el("li", {}, items));
    });
    A.byId("outcome-orgs-empty").hidden = answer.organisations.length > 0;
  }

  function load() {
    if (loading) return;
    loading = A.api("GET", url).then(function (answer) {
      loading = null;
      if (answer.outcome) render(answer);
    });
  }

  inputs.forEach(function (input) {
    input.addEventListener("change", function () {
      var body = {};
      if (input.name === "outcome-state") body.state = input.value;
      else body[input.value] = input.checked;
      inputs.forEach(function (i) { i.disabled = true; });
      A.api("PATCH", url, body).then(function (answer) {
        if (answer.ok) { render(answer); A.notify(message, s.saved, "ok"); }
        else { load(); A.notify(message, answer.message || A.t.error_generic, "error"); }
      });
    });
  });

  // the list of organisations follows the plan: read again when the snapshot changed
  A.extend.consoleRender.push(function (state) {
    if (state.version === seenVersion) return;
    var first = seenVersion === null; // the card's first read: at once, not 2 s later
    seenVersion = state.version;
    if (pending) return; // a burst of votes asks once
    pending = setTimeout(function () { pending = null; load(); }, first ? 0 : 2000);
  });
})();
