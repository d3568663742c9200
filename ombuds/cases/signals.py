"""What a case's end tells the parts of the product above cases, which cases must not
import (the apps are acyclic): a Django signal, sent inside the command's transaction by
`commands.case_record`, so what a receiver records is kept or lost with the ending itself.
"""

from django.dispatch import Signal

# Arguments: case (the Case, now closed, withdrawn or referred).
case_ended = Signal()
