"""The accounts blueprint; its settings are read from the environment when it is registered."""
from flask import Blueprint

from course.accounts import mail

bp = Blueprint("accounts", __name__, template_folder="templates")
bp.record_once(lambda state: mail.configure(state.app))
