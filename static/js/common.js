/* Atelier: what every page script shares. No framework; user text only ever goes through
   textContent, never innerHTML. */
(function () {
  "use strict";

  var A = (window.Atelier = {});
  /** Extension points for feature scripts loaded before the page script: each is a list of
      functions the page calls (see phone.js, screen.js, console.js for their arguments). */
  A.extend = { phoneActivity: [], phoneRender: [], screenRender: [], consoleRow: [], consoleRender: [] };
  A.run = function (point) {
    var args = Array.prototype.slice.call(arguments, 1);
    A.extend[point].forEach(function (fn) { fn.apply(null, args); });
  };
  A.config = JSON.parse(document.getElementById("config").textContent);
  A.t = JSON.parse(document.getElementById("i18n").textContent);

  /** Fill "%(name)s" placeholders, as the server's gettext does. */
  A.fmt = function (template, params) {
    return String(template).replace(/%\((\w+)\)s/g, function (_m, key) {
      return params && key in params ? params[key] : "";
    });
  };

  /** A client-chosen id for one action, so that a retry has effect once. */
  A.opId = function () {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  };

  /** Create an element: attributes, then children (strings become text nodes). */
  A.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  };

  A.byId = function (id) {
    return document.getElementById(id);
  };

  /** The limits and enumerations the server gives the page (services/rules.py page_limits):
      score range, text lengths, commitment roles. Never copied here. */
  A.limits = A.config.limits || {};

  /** The language this page reads in: its wordings of names and titles are shown. */
  A.lang = document.documentElement.lang;
  /** The wordings in A.lang, from the server's "wordings" event (phones and big screens):
      {groups: {id: {name}}, tracks: {id: {name}}, activities: {id: {title, description}}}. */
  A.wordings = { groups: {}, tracks: {}, activities: {} };
  var KEYS = { groups: "group_id", tracks: "id", activities: "id" };

  function keep(data) {
    Object.keys(KEYS).forEach(function (kind) {
      var map = {};
      (data[kind] || []).forEach(function (record) { map[record[KEYS[kind]]] = record; });
      A.wordings[kind] = map;
    });
  }

  /** What this page shows of a group's or track's name, an activity's title or description
      (`kind`: "groups", "tracks" or "activities"): the wording in its language if there is
      one (the console's snapshot carries them as title_ar...), else the original. */
  A.word = function (kind, record, field) {
    if (!record) return "";
    var own = record[field + "_" + A.lang];
    if (own) return own;
    var worded = A.wordings[kind][record[KEYS[kind]]];
    return (worded && worded[field]) || record[field] || "";
  };
  /** Whether the page shows `record`'s `field` in another wording than its original. */
  A.isWorded = function (kind, record, field) {
    return !!record && !!record[field] && A.word(kind, record, field) !== record[field];
  };

  function named(state, kind, id, field, fallback) {
    var list = state && state[kind];
    for (var i = 0; list && i < list.length; i += 1) {
      if (list[i][KEYS[kind]] === id) return A.word(kind, list[i], field);
    }
    return fallback === undefined ? "" : fallback;
  }
  /** A stakeholder group's name, a track's name, an activity's title in a snapshot, in this
      page's language where it has a wording; `fallback` ("" unless given) when it has none. */
  /** A closed select writes its chosen option in the select's own direction, so a French
      title in an Arabic page would show its end: it takes the direction of the chosen text's
      first strong letter (what dir="auto" does for a text), now and at each change. */
  var STRONG = /[A-Za-z\u00C0-\u024F\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  var RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  A.followText = function (select) {
    var option = select.options[select.selectedIndex];
    var first = option ? (option.text.match(STRONG) || [""])[0] : "";
    select.dir = first ? (RTL.test(first) ? "rtl" : "ltr") : "auto";
    if (!select.hasAttribute("data-follows-text")) {
      select.setAttribute("data-follows-text", "");
      select.addEventListener("change", function () { A.followText(select); });
    }
  };

  A.groupName = function (state, groupId, fallback) {
    return named(state, "groups", groupId, "name", fallback);
  };
  A.trackName = function (state, trackId, fallback) {
    return named(state, "tracks", trackId, "name", fallback);
  };
  A.titleOf = function (state, activityId, fallback) {
    return named(state, "activities", activityId, "title", fallback);
  };

  /** Show the connection state in #conn (a dot and a word; the page's banner explains more)
      and on <body data-connection>: connecting, connected, reconnecting or offline. */
  function showConnection(state) {
    document.body.setAttribute("data-connection", state);
    var node = A.byId("conn");
    if (!node) return;
    node.textContent = "";
    node.appendChild(A.el("span", { className: "conn-dot", "aria-hidden": "true" }));
    node.appendChild(document.createTextNode(A.t["conn_" + state] || A.t[state]));
    node.className = "conn conn-" + state;
  }

  /**
   * Connect to the workshop's room. `handlers` get the full snapshots; a snapshot older than
   * one already applied (lower version) is dropped, since two servers may deliver out of order.
   * The server sends a fresh snapshot on every (re)connection: the page redraws from it.
   */
  A.connect = function (auth, handlers) {
    var versions = { workshop_state: -1, results: -1 };
    var socket = window.io({
      auth: auth,
      query: { lang: document.documentElement.lang }, // refusals in the page's language
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelayMax: 5000,
    });
    A.socket = socket;
    showConnection(navigator.onLine === false ? "offline" : "connecting");
    socket.on("connect", function () {
      showConnection("connected");
      flush();
    });
    socket.on("disconnect", function () {
      generation += 1; // an answer still awaited will never come: send it again later
      sending = false;
      showConnection(navigator.onLine === false ? "offline" : "reconnecting");
    });
    socket.on("connect_error", function () {
      showConnection(navigator.onLine === false ? "offline" : "reconnecting");
      // refused by the server (not a network error): a console whose access was revoked (a
      // table link's console connects with its table's key: the page says it is a console)
      if (!socket.active && (auth.role === "console" || A.config.role === "console")) window.location.reload();
    });
    socket.on("access_revoked", function () {
      socket.disconnect().connect(); // the server lets back in only the access that holds
    });
    window.addEventListener("offline", function () {
      showConnection("offline");
    });
    window.addEventListener("online", function () {
      showConnection(socket.connected ? "connected" : "reconnecting");
      // Back online: try now rather than when the reconnection back-off says (up to 5 s).
      if (!socket.connected) {
        socket.disconnect();
        socket.connect();
      }
    });
    ["workshop_state", "results"].forEach(function (event) {
      socket.on(event, function (data) {
        if (typeof data.version === "number") {
          if (data.version < versions[event]) return;
          versions[event] = data.version;
        }
        if (handlers[event]) handlers[event](data);
      });
    });
    if (handlers.my_state) socket.on("my_state", handlers.my_state);
    socket.on("wordings", function (data) { // this page's language, sent when they change
      keep(data);
      if (handlers.wordings) handlers.wordings(data);
    });
    return socket;
  };

  /* The outbox: actions not yet acknowledged, kept in localStorage so that neither a lost
     connection nor a reload loses them. They are sent one at a time, in order, each with
     its op_id: a retry (same op_id) has effect once on the server. */
  var OUTBOX = "atelier_outbox_" + (A.config.code || "") + "_" + (A.config.role || "");
  var OUTBOX_MAX_AGE = 12 * 3600 * 1000;
  var outbox = loadOutbox();
  var callbacks = {}; // op_id -> done, for actions of this page load
  var sending = false;
  var generation = 0;
  var replayed = outbox.length > 0; // items left by an earlier page or connection

  function loadOutbox() {
    try {
      var items = JSON.parse(window.localStorage.getItem(OUTBOX) || "[]");
      var now = Date.now();
      return Array.isArray(items) ? items.filter(function (item) {
        return item && item.event && item.data && now - (item.at || 0) < OUTBOX_MAX_AGE;
      }) : [];
    } catch (e) {
      return [];
    }
  }

  function saveOutbox() {
    try {
      window.localStorage.setItem(OUTBOX, JSON.stringify(outbox));
    } catch (e) { /* private mode or full: the outbox still lives in memory */ }
  }

  function flush() {
    if (sending || !outbox.length || !A.socket || !A.socket.connected) return;
    sending = true;
    var item = outbox[0];
    var mine = generation;
    A.socket.timeout(8000).emit(item.event, item.data, function (err, ack) {
      if (mine !== generation) return; // the connection dropped meanwhile: sent again later
      sending = false;
      if (err) {
        replayed = true;
        setTimeout(flush, 2000); // no answer: the same op_id again, it has effect once
        return;
      }
      outbox.shift();
      saveOutbox();
      var done = callbacks[item.data.op_id];
      delete callbacks[item.data.op_id];
      if (done) done(ack);
      if (outbox.length) return flush();
      if (replayed) {
        replayed = false;
        A.socket.emit("sync", {}); // acks of replays may be old: ask for my state afresh
      }
    });
  }

  /** Number of actions waiting to be sent (shown by pages that want to). */
  A.pending = function () {
    return outbox.length;
  };

  /**
   * Send an action with an op_id and call `done(ack)` once it is acknowledged. Offline, or
   * without an answer, it waits in the outbox and is sent again with the same op_id.
   */
  A.act = function (event, payload, done) {
    var data = Object.assign({}, payload, { op_id: A.opId() });
    if (JSON.stringify(data).length > 60000) { // the server would drop the connection
      if (done) done({ ok: false, error: "payload_too_large", message: A.t.too_large });
      return;
    }
    outbox.push({ event: event, data: data, at: Date.now() });
    saveOutbox();
    if (done) callbacks[data.op_id] = done;
    if (A.socket && !A.socket.connected) replayed = true;
    flush();
  };

  /** JSON call to the API with the console's CSRF token. */
  A.api = function (method, url, body) {
    var headers = { "X-CSRF-Token": A.config.csrf || "" };
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (body instanceof FormData) options.body = body;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, message: A.t.error_generic };
      }).then(function (data) {
        if (!response.ok && data.ok === undefined) data.ok = false;
        return data;
      });
    }, function () {
      return { ok: false, message: A.t.offline };
    });
  };

  /** Show a short message in a live region, for a while (6 s, or `ms`). */
  A.notify = function (node, message, kind, ms) {
    if (!node) return;
    node.hidden = false;
    node.textContent = message;
    node.classList.add("notice");
    node.classList.remove("notice-ok", "notice-error");
    if (kind) node.classList.add("notice-" + kind);
    clearTimeout(node._timer);
    node._timer = setTimeout(function () {
      node.hidden = true;
    }, ms || 6000);
  };

  /** Colour-blind-safe colours for stakeholder groups (Okabe-Ito, then more). */
  A.groupColour = function (index) {
    var palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
      "#F0E442", "#BBBBBB", "#882255", "#44AA99"];
    return palette[index % palette.length];
  };

  /** Dark or light ink, whichever reads better on a group's colour. */
  A.inkOn = function (hex) {
    var n = parseInt(hex.slice(1), 16);
    var luminance = 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
    return luminance > 140 ? "#0b1320" : "#ffffff";
  };

  /** "4:05", or "1:02:03" from one hour: what a countdown shows. */
  A.clock = function (ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = ("0" + (total % 60)).slice(-2);
    return h ? h + ":" + ("0" + m).slice(-2) + ":" + s : m + ":" + s;
  };

  /**
   * Keep a countdown up to date in `node` from a workshop_state snapshot. The server sends its
   * own clock with each snapshot: a phone whose clock is minutes off still shows the right time.
   * The node gets data-timer="idle|running|paused|finished" and is hidden when there is nothing
   * to show; `node.querySelector(".timer-value")` (or the node) receives the digits.
   */
  A.showTimer = function (node, snapshot) {
    if (!node) return;
    var timer = snapshot.timer || { state: "idle", seconds: null, remaining_ms: null };
    var skew = snapshot.server_time ? Date.parse(snapshot.server_time) - Date.now() : 0;
    var ends = timer.ends_at ? Date.parse(timer.ends_at) : null;
    var target = node.querySelector(".timer-value") || node;
    clearInterval(node._tick);
    function tick() {
      var left = ends !== null ? ends - (Date.now() + skew) : timer.remaining_ms;
      var phase = timer.state;
      if (ends !== null) phase = left > 0 ? "running" : "finished";
      node.setAttribute("data-timer", phase);
      node.hidden = !node.hasAttribute("data-show-idle") && (timer.seconds === null || phase === "idle");
      if (phase === "finished") target.textContent = A.t.time_up;
      else target.textContent = timer.seconds === null ? "–" : A.clock(left || 0);
      if (phase !== "running") clearInterval(node._tick);
    }
    tick();
    if (ends !== null) node._tick = setInterval(tick, 250);
  };
})();
