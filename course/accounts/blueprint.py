"""The accounts blueprint (its settings: ``course.accounts.mail.mail_settings_from_env``)."""
from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")
