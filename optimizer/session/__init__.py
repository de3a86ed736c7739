"""The solver session: the only code that touches HiGHS or Pyomo's solver interface.

`Session` (`optimizer.session.highs`) owns one persistent HiGHS instance
holding one planning model, its column map and the LP bases handed back to
it; `optimizer.session.bulk` is the Pyomo interface it loads through;
`optimizer.session.outcome` holds the plain values it takes and returns.
Nothing outside this package imports `highspy`, `pyomo.contrib` or Pyomo's
private names, or reaches a solver's private attributes
(`tests/test_session_boundary.py` checks the source for it).
"""

from optimizer.session.highs import Session
from optimizer.session.outcome import LpSolution, SolveParams, SolveResult, SolverUnavailableError

__all__ = ["LpSolution", "Session", "SolveParams", "SolveResult", "SolverUnavailableError"]
