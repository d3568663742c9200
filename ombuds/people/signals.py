"""What a person's declaration tells the parts of the product above people, which people
must not import (the apps are acyclic): a Django signal, sent inside the declaration's
transaction, so what a receiver records is kept or lost with the declaration itself."""

from django.dispatch import Signal

# Arguments: person (the handler), tokens (the keyed tokens of her interests, as declared).
interests_declared = Signal()
