"""The board self-assessment's private mode: results computed from posted answers (or the
code of an earlier session, from the link's fragment), and nothing written anywhere.

No session, no audit entry, no login (as the NHS Providers tool, it asks for no account):
the route reads the instrument catalogue and answers. The access log carries only the route
template and status, as for every route; the answers travel in the body, never the URL
(decision 0031).
"""

from fastapi import APIRouter, Request

from services.common.errors import FieldProblem, InvalidInput, problem_responses
from services.scoring.app_state import catalogue_of
from services.scoring.instruments.engine import check_responses
from services.scoring.organisational.board_results import board_results
from services.scoring.organisational.private_code import CodeRefused, decode, encode, read_header
from services.scoring.organisational.schemas import PrivateRequest, PrivateResults
from services.scoring.settings import ScoringSettings

router = APIRouter(prefix="/api/scoring/private", tags=["private mode"])
INSTRUMENT = "board-self-assessment"


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(
        f"The code cannot be used: {message}. Check the whole link was copied.",
        errors=[FieldProblem(field="body.code", message=message)],
    )


@router.post(
    "/board-self-assessment",
    responses=problem_responses(400, 413, 422),
    summary="Board self-assessment results with nothing stored: post the answers (or the "
    "code from the link) and get the results and the code for the link's fragment",
)
async def private_board_self_assessment(body: PrivateRequest, request: Request) -> PrivateResults:
    if (body.responses is None) == (body.code is None):
        raise InvalidInput(
            "Send either the answers or the code from the link",
            errors=[FieldProblem(field="body", message="send exactly one of responses, code")],
        )
    settings: ScoringSettings = request.app.state.settings
    key = settings.private_code_signing_key()
    catalogue = catalogue_of(request)
    if body.code is not None:
        try:
            header = read_header(key, body.code)
        except CodeRefused as exc:
            raise _refuse(str(exc)) from None
        if header.instrument != INSTRUMENT:
            raise _refuse("the code is for another instrument")
        defn = await catalogue.get(INSTRUMENT, "standard", header.version, field="body.code")
        try:
            responses = decode(header, defn)
        except CodeRefused as exc:
            raise _refuse(str(exc)) from None
    else:
        defn = await catalogue.get(INSTRUMENT, "standard", None)
        responses = dict(body.responses or {})
        problems = check_responses(defn, responses, require_complete=False)
        if problems:
            raise InvalidInput(
                f"The {defn.title} has answers we cannot accept",
                errors=[FieldProblem(field=f"body.{p.field}", message=p.message) for p in problems],
            )
    return PrivateResults(
        code=encode(key, defn, responses),
        responses=responses,
        results=board_results(defn, responses).as_dict(),
    )
