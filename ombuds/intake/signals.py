"""What a report's submission tells the parts of the product above intake, which intake
must not import (the apps are acyclic): a Django signal, sent inside the submission's
transaction, so what a receiver writes is kept or lost with the report itself."""

from django.dispatch import Signal

# Arguments: case (the new Case), named_person (the name the report gives, in memory
# only: a receiver keeps tokens of it, never the name), organisation (its slug).
report_submitted = Signal()
