"""Baseline: the token endpoint as Twilio's Python Voice quickstart writes it.

Flask, no authentication, no database: an AccessToken with a VoiceGrant signed with
credentials from the environment, returned with ``jsonify``. Only the route's path and the
fixed identity (the quickstart draws a random user name) differ from the quickstart's app.py.
"""

import os

from flask import Flask, jsonify
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

IDENTITY = "+14165550100"

app = Flask(__name__)


@app.route("/api/calls/token/twilio", methods=["GET"])
def token():
    account_sid = os.environ["TWILIO_ACCOUNT_SID"]
    application_sid = os.environ["TWILIO_TWIML_APP_SID"]
    api_key = os.environ["API_KEY"]
    api_secret = os.environ["API_SECRET"]

    access_token = AccessToken(account_sid, api_key, api_secret, identity=IDENTITY)
    access_token.add_grant(
        VoiceGrant(outgoing_application_sid=application_sid, incoming_allow=True)
    )
    return jsonify(identity=IDENTITY, token=access_token.to_jwt())
