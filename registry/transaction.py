"""The one commit point of a request and of a CLI command, and how a refusal is answered.

Services flush; a web request commits once, when its view has answered, and a CLI
command commits once, when it returns. A view that raises never commits. A service's
refusal (`registry.services.ServiceError`) rolls the request back, then is answered the
way the view asked with `on_refusal` (a form shown again with the message on its field,
or a message and a redirect), and whatever that answer writes (the page view it logs,
the preview of a refused import) is committed.

The few writes that must survive a refused request commit on their own, each marked
"survives the refusal" where it is made: the failed sign-in counter and lockout
(auth.views.login).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, flash, g, redirect, render_template
from flask.typing import ResponseReturnValue

from registry.extensions import db
from registry.services import ServiceError

Answer = Callable[[Any], ResponseReturnValue]


class Registry(Flask):
    """Flask with the request's commit point around each view."""

    def dispatch_request(self) -> ResponseReturnValue:
        g.pop("refusal_answer", None)  # tests keep one application context across requests
        try:
            try:
                answer = super().dispatch_request()
            except ServiceError as refusal:
                db.session.rollback()
                answer = answer_refusal(refusal)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return answer


def on_refusal(answer: Answer) -> Answer:
    """Answer a service refusal in this request with `answer(error)`, after the rollback.

    Used as a decorator on a local function, so the answer sees the view's form."""
    g.refusal_answer = answer
    return answer


def refusal_returns_to(url: str) -> None:
    """Answer a service refusal in this request by flashing its message and going to `url`."""

    def answer(refusal: ServiceError) -> ResponseReturnValue:
        flash(str(refusal), "danger")
        return redirect(url)

    on_refusal(answer)


def answer_refusal(refusal: ServiceError) -> ResponseReturnValue:
    answer = g.pop("refusal_answer", None)
    if answer is not None:
        return answer(refusal)
    return render_template(
        "errors.html", code=409, title="Không thực hiện được", message=str(refusal)
    ), 409


def committed(command: Callable) -> Callable:
    """A CLI command's callback that commits once when it ends well, else rolls back."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = command(*args, **kwargs)
        except SystemExit as stop:
            if stop.code in (0, None):
                db.session.commit()
            else:
                db.session.rollback()
            raise
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run
