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
    $("hang-up").disabled = call === null;
    $("call").disabled = call !== null;
  }

  async function postJson(path, body) {
    const response = await fetch(api + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => ({})) };
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
      const response = await fetch(api + "/api/calls/token/twilio?platform=web", {
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
      throw new Error(`${body.code || "error"}: ${body.error || `HTTP ${response.status}`}`);
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

  function startDevice(minted) {
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
    }
  });

  $("dial").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!device) {
      return;
    }
    try {
      follow(await device.connect({ params: { To: $("number").value } }));
    } catch (error) {
      callState(`error: ${twilioError(error)}`);
    }
  });

  $("hang-up").addEventListener("click", () => call && call.disconnect());

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
    if (device) {
      device.destroy();
      device = null;
    }
    session.access = session.refresh = null;
    show("session", false);
    show("dial", false);
    show("incoming", false);
    show("sign-in", true);
    deviceState("none", "not started");
    $("device-state").textContent = "not started";
  });
})();
