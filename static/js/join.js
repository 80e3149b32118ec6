/* Atelier: the join form's organisation field offers the workshop's directory as you type
   (an ARIA 1.2 combobox: arrows, Enter, Escape; announced to screen readers). The server
   matches (one fold rule for every alias, in any script); a name not listed is still sent. */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t.organisations;
  var input = document.getElementById("organisation");
  var list = document.getElementById("organisation-options");
  var status = document.getElementById("organisation-status");
  if (!input || !list || !A.config.search_url) return;
  /* wait this long after a key before asking the server: one request per pause, not per key
     (a room's wifi is slow and shared) */
  var PAUSE_MS = 250;
  var options = [];
  var active = -1;
  var asked = null;
  var timer = null;
  var pending = null;

  input.removeAttribute("list"); // the browser's own suggestions would cover ours
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("autocomplete", "off");

  /* while the list is open, its count is for screen readers only: the list covers the line */
  function showList(open) {
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    status.classList.toggle("sr-only", open);
  }

  function close() {
    showList(false);
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    active = index;
    Array.prototype.forEach.call(list.children, function (li, i) {
      li.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    var li = list.children[index];
    input.setAttribute("aria-activedescendant", li.id);
    if (li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
  }

  function choose(index) {
    var org = options[index];
    if (!org) return;
    input.value = org.value;
    asked = org.value.trim();
    close();
    status.textContent = A.fmt(t.chosen, { name: org.acronym ? org.acronym + " — " + org.name : org.name });
    var checked = document.querySelector('input[name="group"]:checked');
    var group = org.group_id && document.querySelector('input[name="group"][value="' + org.group_id + '"]');
    if (group && !checked) group.checked = true;
  }

  function render(found) {
    options = found;
    list.textContent = "";
    found.forEach(function (org, i) {
      var li = A.el("li", { id: "organisation-option-" + i, role: "option", "aria-selected": "false", class: "combo-option" }, [
        org.acronym ? A.el("span", { class: "combo-acronym", dir: "auto", text: org.acronym }) : null,
        A.el("span", { class: "combo-name", dir: "auto", text: org.name }),
      ]);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the field
        choose(i);
      });
      list.appendChild(li);
    });
    active = -1;
    if (found.length) {
      showList(true);
      status.textContent = found.length === 1 ? t.found_one : A.fmt(t.found, { count: found.length });
    } else {
      close();
      status.textContent = input.value.trim() ? t.new : "";
    }
  }

  function search() {
    var query = input.value.trim();
    if (query === asked) return;
    asked = query;
    if (pending) pending.abort();
    if (!query) {
      render([]);
      return;
    }
    pending = window.AbortController ? new AbortController() : null;
    var url = A.config.search_url + "?q=" + encodeURIComponent(query) + "&lang=" + encodeURIComponent(A.config.lang || "");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: pending && pending.signal })
      .then(function (response) { return response.ok ? response.json() : { organisations: [] }; })
      .then(function (data) {
        if (input.value.trim() === query) render(data.organisations || []);
      })
      .catch(function () { /* offline or replaced by a newer query: the typed name still goes */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, PAUSE_MS);
  });
  input.addEventListener("keydown", function (event) {
    var open = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      if (!open) showList(true);
      var step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + options.length) % options.length);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault(); // choose, do not submit yet
      choose(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);
})();
