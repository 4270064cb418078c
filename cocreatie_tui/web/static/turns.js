// Speaking turns on the phone (issue 4). Enhancement only: without it the page is right at
// every reload. It follows the page's live updates (the "cocreatie:state" event of phone.js, or
// its own stream when that never comes), counts down locally from the seconds left (phones
// never get an end time), and when a turn or the activity runs out, or this phone gets the
// floor, it flashes and vibrates. Server data goes into the page with textContent only.
(function () {
  "use strict";
  var doc = document;
  var section = doc.getElementById("turns");
  if (!section || !window.JSON) { return; }
  var msg = section.dataset || {};
  var floorBox = doc.getElementById("turns-floor");
  var who = doc.getElementById("turns-who");
  var clockText = doc.getElementById("turns-clock");
  var ahead = doc.getElementById("turns-ahead");
  var hand = doc.getElementById("turns-hand");
  var handButton = doc.getElementById("turns-hand-button");
  var ticking = null;
  var alarms = {};
  var ended = { floor: null, activity: null };  // null: not known yet (no signal on page load)
  var hadFloor = null;
  var heard = false;

  function fill(template, name, value) { return String(template || "").split("{" + name + "}").join(value); }

  // As on the screen: whole seconds rounded up, overtime as +m:ss.
  function clock(seconds) {
    var shown = Math.ceil(seconds - 1e-6);
    var left = Math.abs(shown);
    var rest = left % 60;
    return (shown < 0 ? "+" : "") + Math.floor(left / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function signal() {
    section.classList.remove("flash");
    void section.offsetWidth;  // restart the animation
    section.classList.add("flash");
    if (navigator.vibrate) { try { navigator.vibrate([300, 150, 300, 150, 300]); } catch (e) { /* not allowed */ } }
  }

  // Ring once when a timer runs out: now if the update says so, or locally when its time is up.
  function watch(key, timer) {
    clearTimeout(alarms[key]);
    if (!timer) { ended[key] = null; return; }
    if (timer.over) {
      if (ended[key] === false) { signal(); }
      ended[key] = true;
      return;
    }
    ended[key] = false;
    if (timer.status === "running") {
      alarms[key] = setTimeout(function () {
        if (ended[key] === false) { ended[key] = true; signal(); }
      }, Math.max(0, timer.seconds_left) * 1000);
    }
  }

  function showClock(timer) {
    clearInterval(ticking);
    var received = Date.now();
    function draw() {
      var left = timer.seconds_left - (timer.status === "running" ? (Date.now() - received) / 1000 : 0);
      var over = timer.over || left <= 0;
      section.classList.toggle("over", over);
      if (over) { clockText.textContent = msg.over + " " + clock(left); }
      else if (timer.status === "paused") { clockText.textContent = fill(msg.paused, "clock", clock(left)); }
      else { clockText.textContent = fill(msg.left, "clock", clock(left)); }
    }
    draw();
    if (timer.status === "running") { ticking = setInterval(draw, 250); }
  }

  function show(view) {
    heard = true;
    var turns = view.turns;
    section.hidden = !turns;
    watch("activity", view.timer || null);
    if (!turns) { clearInterval(ticking); watch("floor", null); hadFloor = null; return; }
    var floor = turns.floor;
    floorBox.hidden = !floor;
    section.classList.toggle("your-turn", !!(floor && floor.you));
    if (floor) {
      var name = floor.name || (floor.number ? fill(msg.anonymous, "number", floor.number) : "");
      who.textContent = floor.you ? msg.you : (name ? fill(msg.speaking, "name", name) : msg.someone);
      showClock(floor.timer);
    } else {
      clearInterval(ticking);
      section.classList.remove("over");
    }
    watch("floor", floor ? floor.timer : null);
    var place = turns.queued ? turns.queue_position : turns.round_position;
    ahead.hidden = !place;
    ahead.textContent = !place ? "" : (place === 1 ? msg.next : fill(msg.before, "count", place - 1));
    // One form: ask for the floor, or withdraw the request.
    hand.hidden = !turns.queued && (turns.mode !== "queue" || !!turns.has_floor);
    hand.action = turns.queued ? hand.getAttribute("data-withdraw") : hand.getAttribute("data-raise");
    handButton.className = turns.queued ? "withdraw" : "send";
    handButton.textContent = handButton.getAttribute(turns.queued ? "data-withdraw" : "data-raise");
    if (hadFloor === false && turns.has_floor) { signal(); }
    hadFloor = !!turns.has_floor;
  }

  doc.addEventListener("cocreatie:state", function (event) {
    if (event.detail) { show(event.detail); }
  });

  // phone.js may not pass its updates on: then listen ourselves.
  setTimeout(function () {
    if (heard || !window.EventSource) { return; }
    var source = new EventSource(location.pathname.replace(/\/+$/, "") + "/events");
    source.addEventListener("state", function (event) {
      try { show(JSON.parse(event.data)); } catch (e) { /* a bad message changes nothing */ }
    });
    source.addEventListener("gone", function () { source.close(); });
  }, 5000);
})();
