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

  /** Show the connection state in #conn: connected, reconnecting or offline. */
  function showConnection(state) {
    var node = A.byId("conn");
    if (!node) return;
    node.textContent = A.t[state];
    node.className = "conn conn-" + state;
    document.body.setAttribute("data-connection", state);
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
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelayMax: 5000,
    });
    A.socket = socket;
    showConnection(navigator.onLine === false ? "offline" : "reconnecting");
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
      // refused by the server (not a network error): a console whose access was revoked
      if (!socket.active && auth.role === "console") window.location.reload();
    });
    socket.on("access_revoked", function () {
      socket.disconnect().connect(); // the server lets back in only the access that holds
    });
    window.addEventListener("offline", function () {
      showConnection("offline");
    });
    window.addEventListener("online", function () {
      showConnection(socket.connected ? "connected" : "reconnecting");
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

  /** Show a short message in a live region, for a while. */
  A.notify = function (node, message, kind) {
    if (!node) return;
    node.hidden = false;
    node.textContent = message;
    node.className = "notice" + (kind ? " notice-" + kind : "");
    clearTimeout(node._timer);
    node._timer = setTimeout(function () {
      node.hidden = true;
    }, 6000);
  };

  /** Colour-blind-safe colours for stakeholder groups (Okabe-Ito, then more). */
  A.groupColour = function (index) {
    var palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
      "#F0E442", "#000000", "#999999", "#882255"];
    return palette[index % palette.length];
  };
})();
