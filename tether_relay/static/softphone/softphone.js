// The softphone page: sign in, fetch a voice token, register Twilio's Voice SDK, place and take
// calls. Tokens live in this page's memory only; nothing is written to storage.
(function () {
  "use strict";

  const api = document.body.dataset.apiBase || "";
  const $ = (id) => document.getElementById(id);
  const session = { access: null, refresh: null };
  let device = null;
  let call = null;
  let pending = null; // an incoming call not yet answered
  let connecting = false; // an outgoing call asked for and not yet answered by the SDK
  const API_TIMEOUT_MS = 10000;
  const CONNECT_TIMEOUT_MS = 20000;

  function say(text) {
    $("message").textContent = text;
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function deviceState(state, detail) {
    const element = $("device-state");
    element.dataset.state = state;
    element.textContent = detail ? `${state}: ${detail}` : state;
  }

  function callState(text) {
    $("call-state").textContent = text;
    const busy = call !== null || connecting;
    $("hang-up").disabled = !busy;
    $("call").disabled = busy;
  }

  // fetch() against the API, given up after API_TIMEOUT_MS; a network failure (the API down,
  // or this page's origin not allowed by its CORS settings) says so in words.
  async function apiFetch(path, options) {
    try {
      return await fetch(api + path, { ...options, signal: AbortSignal.timeout(API_TIMEOUT_MS) });
    } catch (error) {
      const why = error.name === "TimeoutError" ? "it did not answer in time" : "network error, or this page's origin is not allowed";
      throw new Error(`Could not reach the API at ${api || location.origin} (${why}).`);
    }
  }

  async function postJson(path, body) {
    const response = await apiFetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => ({})) };
  }

  function explain(body, status) {
    if (body.code === "TWILIO_CREDENTIALS_MISSING" && body.missing) {
      const unset = Object.keys(body.missing).filter((name) => body.missing[name]);
      return `Your organization's Twilio set-up is incomplete (unset: ${unset.join(", ")}).`;
    }
    return `${body.code || "error"}: ${body.error || body.detail || `HTTP ${status}`}`;
  }

  async function signIn(username, password) {
    const { status, body } = await postJson("/api/auth/token", { username, password });
    if (status !== 200) {
      throw new Error(body.detail || body.error || `sign-in failed (HTTP ${status})`);
    }
    session.access = body.access;
    session.refresh = body.refresh;
  }

  async function refreshAccess() {
    const { status, body } = await postJson("/api/auth/token/refresh", { refresh: session.refresh });
    if (status !== 200) {
      throw new Error("your session has ended; sign in again");
    }
    session.access = body.access;
    session.refresh = body.refresh || session.refresh;
  }

  // A voice token for this browser; the access token is refreshed once if it has expired.
  async function voiceToken() {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await apiFetch("/api/calls/token/twilio?platform=web", {
        headers: { Authorization: `Bearer ${session.access}` },
      });
      const body = await response.json().catch(() => ({}));
      if (response.status === 200) {
        return body;
      }
      if (response.status === 401 && attempt === 0 && session.refresh) {
        await refreshAccess();
        continue;
      }
      throw new Error(explain(body, response.status));
    }
    throw new Error("no voice token");
  }

  function showToken(minted) {
    $("identity").textContent = minted.identity;
    const expires = new Date(minted.expiresAt);
    $("expires").textContent = expires.toLocaleString();
    $("expires").dataset.expiresAt = minted.expiresAt;
  }

  function twilioError(error) {
    return error && error.code ? `${error.code} ${error.message}` : String(error);
  }

  function stopDevice() {
    if (device) {
      device.destroy();
      device = null;
    }
    call = pending = null;
    connecting = false;
  }

  function startDevice(minted) {
    stopDevice(); // never two Devices: the old one would stay registered as its user
    if (typeof Twilio === "undefined" || !Twilio.Device) {
      deviceState("error", "the Twilio Voice SDK did not load");
      return;
    }
    const options = { closeProtection: true, logLevel: "warn" };
    if (minted.edge) {
      options.edge = minted.edge;
    }
    device = new Twilio.Device(minted.token, options);
    device.on("registering", () => deviceState("registering"));
    device.on("registered", () => deviceState("registered"));
    device.on("unregistered", () => {
      if ($("device-state").dataset.state !== "error") {
        deviceState("offline");
      }
    });
    device.on("error", (error) => deviceState("error", twilioError(error)));
    device.on("tokenWillExpire", async () => {
      try {
        const fresh = await voiceToken();
        device.updateToken(fresh.token);
        showToken(fresh);
      } catch (error) {
        say(`Could not renew the voice token: ${error.message}`);
      }
    });
    device.on("incoming", (incoming) => {
      pending = incoming;
      $("incoming-from").textContent = incoming.parameters.From || "unknown";
      show("incoming", true);
      incoming.on("cancel", () => clearIncoming("missed"));
      incoming.on("disconnect", () => clearIncoming("ended"));
    });
    deviceState("registering");
    device.register().catch((error) => deviceState("error", twilioError(error)));
  }

  function clearIncoming(outcome) {
    pending = null;
    show("incoming", false);
    if (outcome) {
      say(`Incoming call ${outcome}.`);
    }
  }

  function follow(current) {
    call = current;
    callState("connecting");
    current.on("accept", () => callState("in call"));
    current.on("disconnect", () => {
      call = null;
      callState("ended");
    });
    current.on("cancel", () => {
      call = null;
      callState("cancelled");
    });
    current.on("error", (error) => {
      call = null;
      callState(`error: ${twilioError(error)}`);
    });
  }

  $("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("sign-in").querySelector("button");
    if (button.disabled) {
      return; // a sign-in is already on its way
    }
    button.disabled = true;
    say("Signing in…");
    try {
      await signIn($("username").value, $("password").value);
      $("password").value = "";
      const minted = await voiceToken();
      show("sign-in", false);
      show("session", true);
      show("dial", true);
      showToken(minted);
      say("");
      startDevice(minted);
    } catch (error) {
      say(error.message);
    } finally {
      button.disabled = false;
    }
  });

  $("dial").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!device || call || connecting) {
      return;
    }
    connecting = true;
    callState("connecting");
    // The SDK's connect() waits for Twilio's signalling, which may never answer.
    const timeout = setTimeout(() => {
      if (connecting) {
        connecting = false;
        device.disconnectAll();
        callState("error: Twilio could not be reached to place the call");
      }
    }, CONNECT_TIMEOUT_MS);
    try {
      const placed = await device.connect({ params: { To: $("number").value } });
      if (connecting) {
        connecting = false;
        follow(placed);
      } else {
        placed.disconnect(); // given up on, or hung up, before it connected
      }
    } catch (error) {
      connecting = false;
      callState(`error: ${twilioError(error)}`);
    } finally {
      clearTimeout(timeout);
    }
  });

  $("hang-up").addEventListener("click", () => {
    if (call) {
      call.disconnect();
    } else if (connecting) {
      connecting = false;
      device.disconnectAll();
      callState("cancelled");
    }
  });

  $("answer").addEventListener("click", () => {
    if (pending) {
      pending.accept();
      follow(pending);
      clearIncoming(null);
    }
  });

  $("reject").addEventListener("click", () => {
    if (pending) {
      pending.reject();
      clearIncoming("rejected");
    }
  });

  $("sign-out").addEventListener("click", () => {
    stopDevice();
    callState("none");
    session.access = session.refresh = null;
    show("session", false);
    show("dial", false);
    show("incoming", false);
    show("sign-in", true);
    deviceState("none", "not started");
    $("device-state").textContent = "not started";
  });
})();
