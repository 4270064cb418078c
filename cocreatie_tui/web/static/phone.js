// Enhancement only: the page works without this file (plain forms and reloads).
// Live updates over server-sent events; what was typed is kept in localStorage and sent, with
// the same client-made id, as soon as the connection is back, so a retry never makes a double.
// Data from the server is only ever put in the page with textContent, never as markup.
(function () {
  "use strict";
  var doc = document;
  var form = doc.getElementById("card-form");
  var text = doc.getElementById("text");
  var live = doc.getElementById("live");
  if (!form || !text || !live || !window.JSON) { return; }
  var base = location.pathname.replace(/\/+$/, "");
  var key = "cocreatie-draft:" + base.toLowerCase();
  var msg = form.dataset || {};
  var prompt = doc.getElementById("prompt");
  var list = doc.getElementById("own-card-list");
  var section = doc.getElementById("own-cards");
  var connection = doc.getElementById("connection");
  var button = form.querySelector("button[type=submit]");
  var draft = load();
  var busy = false;
  var delay = 2000;
  var retryTimer = null;
  var timer = null;

  function newId() {
    var bytes = new Uint8Array(16);
    if (window.crypto && crypto.getRandomValues) { crypto.getRandomValues(bytes); }
    else { for (var i = 0; i < 16; i++) { bytes[i] = Math.floor(Math.random() * 256); } }
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = "";
    for (var j = 0; j < 16; j++) {
      hex += (bytes[j] + 256).toString(16).slice(1);
      if (j === 3 || j === 5 || j === 7 || j === 9) { hex += "-"; }
    }
    return hex;
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(key)) || null; } catch (e) { return null; }
  }

  function save() {
    try {
      if (draft) { localStorage.setItem(key, JSON.stringify(draft)); }
      else { localStorage.removeItem(key); }
    } catch (e) { /* private mode: the text stays in the field */ }
  }

  function say(message, kind) {
    while (live.firstChild) { live.removeChild(live.firstChild); }
    if (!message) { return; }
    var p = doc.createElement("p");
    p.className = kind || "notice";
    p.textContent = message;
    live.appendChild(p);
  }

  function fill(format, value) { return String(format || "{value}").split("{value}").join(value); }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  // As the screen shows it (core/timer.py format_clock): rounded up, "+m:ss" in overtime.
  function clock(seconds) {
    var shown = Math.ceil(seconds);
    var left = Math.abs(shown);
    var hours = Math.floor(left / 3600);
    var minutes = Math.floor(left / 60) % 60;
    var text = hours ? hours + ":" + two(minutes) : String(minutes);
    return (shown < 0 ? "+" : "") + text + ":" + two(left % 60);
  }

  // The same rules as view_text in web/app.py, for keys that any feature may add.
  function describe(value, kind) {
    if (value === null || value === undefined || value === "" || typeof value === "boolean") { return ""; }
    if (typeof value === "number") { return kind === "clock" ? clock(value) : String(value); }
    if (typeof value === "string") { return value; }
    var parts = [];
    if (value instanceof Array) {
      for (var i = 0; i < value.length; i++) { if (describe(value[i])) { parts.push(describe(value[i])); } }
      return parts.join(", ");
    }
    if (typeof value === "object") {
      if ("seconds_left" in value) { return clock(value.seconds_left); }
      var keys = ["number", "name", "theme", "label", "text"];
      for (var k = 0; k < keys.length; k++) { if (describe(value[keys[k]])) { parts.push(describe(value[keys[k]])); } }
      return parts.join(" · ");
    }
    return "";
  }

  // -- sending a card ----------------------------------------------------------------------

  function field(name) { return form.elements[name] || null; }

  text.addEventListener("input", function () {
    if (!window.fetch) { return; }  // such a browser posts the form itself: nothing to keep
    if (!draft || draft.tried) { draft = { id: newId() }; }
    draft.text = text.value;
    save();
  });

  form.addEventListener("submit", function (event) {
    if (!window.fetch) { return; }
    event.preventDefault();
    var author = field("author");
    if (!draft || draft.tried || draft.text !== text.value) { draft = { id: newId() }; }
    draft.text = text.value;
    draft.author = author ? author.value : null;
    draft.pending = true;
    save();
    send();
  });

  function send() {
    if (busy || !draft || !draft.pending) { return; }
    busy = true;
    clearTimeout(retryTimer);
    if (button) { button.disabled = true; }
    say(msg.sending);
    var body = { text: draft.text, id: draft.id };
    if (draft.author !== null && draft.author !== undefined) { body.author = draft.author; }
    draft.tried = true;
    save();
    fetch(base + "/cards", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return [response.status, data]; },
        function () { return [response.status, {}]; });
    }).then(function (answer) {
      done();
      if (answer[0] === 200 || answer[0] === 201) { sent(answer[1].id, body.text, (body.author || "").trim()); }
      else if (answer[0] >= 500 || answer[0] === 429) { retryLater(); }
      else { draft.pending = false; draft.tried = false; save(); say(answer[1].error || "", "error"); }
    }, function () { done(); retryLater(); });
  }

  function done() { busy = false; if (button) { button.disabled = false; } }

  // The name is asked once: once sent with a card, the field gives way to "Your name: ...".
  function rememberName(name) {
    var box = doc.getElementById("name-field");
    if (!box || !msg.asName) { return; }
    var line = doc.createElement("p");
    line.className = "as-name";
    line.textContent = msg.asName.split("{name}").join(name) + " ";
    var change = doc.createElement("a");
    change.href = base + "?name=1#author";
    change.textContent = msg.changeName;
    line.appendChild(change);
    box.parentNode.replaceChild(line, box);
  }

  function sent(id, what, author) {
    draft = null;
    save();
    delay = 2000;
    if (text.value === what) { text.value = ""; }
    say(msg.thanks, "thanks");
    if (author) { rememberName(author); }
    if (id && list && !doc.getElementById("card-" + id)) {
      list.insertBefore(cardItem({ id: id, text: what.trim(), can_withdraw: true }), list.firstChild);
      if (section) { section.hidden = false; }
    }
  }

  function retryLater() {
    say(msg.notSent, "error");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, delay);
    delay = Math.min(delay * 2, 30000);
  }

  window.addEventListener("online", function () { delay = 2000; send(); });

  // -- own cards -----------------------------------------------------------------------------

  function cardItem(card) {
    var li = doc.createElement("li");
    var p = doc.createElement("p");
    p.className = "card-text";
    p.id = "card-" + card.id;
    p.textContent = card.text;
    li.appendChild(p);
    if (card.can_withdraw) {
      var back = doc.createElement("form");
      back.method = "post";
      back.action = base + "/cards/" + encodeURIComponent(card.id) + "/withdraw";
      var token = doc.createElement("input");
      token.type = "hidden";
      token.name = "token";
      token.value = field("token") ? field("token").value : "";
      var press = doc.createElement("button");
      press.type = "submit";
      press.className = "withdraw";
      press.setAttribute("aria-describedby", p.id);
      press.textContent = msg.withdraw;
      back.appendChild(token);
      back.appendChild(press);
      li.appendChild(back);
    } else {
      var note = doc.createElement("p");
      note.className = "grouped";
      note.textContent = msg.grouped;
      li.appendChild(note);
    }
    return li;
  }

  function showCards(cards) {
    if (!list || !(cards instanceof Array)) { return; }
    var focused = doc.activeElement && list.contains(doc.activeElement);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    for (var i = cards.length - 1; i >= 0; i--) { list.appendChild(cardItem(cards[i])); }
    if (section) { section.hidden = cards.length === 0; }
    if (focused) { text.focus(); }
  }

  // -- live updates ----------------------------------------------------------------------

  function showFacts(view) {
    var facts = doc.querySelectorAll("[data-view]");
    clearInterval(timer);
    for (var i = 0; i < facts.length; i++) {
      var element = facts[i];
      var value = view[element.getAttribute("data-view")];
      var kind = element.getAttribute("data-kind");
      var shown = describe(value, kind);
      element.textContent = shown ? fill(element.getAttribute("data-format"), shown) : "";
      element.hidden = !shown;
      if (value && value.status === "running" && typeof value.seconds_left === "number") {
        countDown(element, value.seconds_left);
      }
    }
  }

  // Phones get the seconds left, never an end time: count down from there until the next update.
  function countDown(element, seconds) {
    var format = element.getAttribute("data-format");
    timer = setInterval(function () {
      seconds -= 1;
      element.textContent = fill(format, clock(seconds));
    }, 1000);
  }

  function showState(view) {
    if (prompt && typeof view.prompt === "string" && prompt.textContent !== view.prompt) {
      prompt.textContent = view.prompt;
      say(fill(msg.promptChanged, view.prompt));
    }
    showFacts(view);
    showCards(view.cards);
    // Speaking turns (issue 4): static/turns.js follows the same updates.
    doc.dispatchEvent(new CustomEvent("cocreatie:state", { detail: view }));
  }

  function connect() {
    var source = new EventSource(base + "/events");
    var lost = false;
    source.addEventListener("state", function (event) {
      try { showState(JSON.parse(event.data)); } catch (e) { /* a bad message changes nothing */ }
    });
    source.addEventListener("gone", function () { source.close(); say(msg.gone, "error"); });
    source.onopen = function () {
      if (connection) { connection.hidden = true; }
      if (lost) { lost = false; delay = 2000; send(); }
    };
    source.onerror = function () {
      lost = true;
      if (connection) { connection.hidden = false; }
    };
  }

  // -- on load -----------------------------------------------------------------------------

  if (draft && !text.value) { text.value = draft.text || ""; }
  if (draft && draft.pending) { send(); }
  if (/[?&](sent|withdrawn)=1/.test(location.search) && window.history && history.replaceState) {
    history.replaceState(null, "", base);  // a reload must not thank again
  }
  if (window.EventSource) { connect(); }
})();
