"""Existing contact addresses (people_user.email, in the clear) are sealed into
notifications.ContactAddress, and the clear column is emptied with SQLite's secure_delete
on, so the old bytes are not left in the page. The contact-address key is made here if
`ombuds migrate` has not made it yet (keyfiles.create is atomic: racing processes end
with the one key). Going back puts every address in the clear again: none is lost.

Backups taken before this migration still hold the addresses in the clear.
"""

from typing import Any

from django.db import migrations


def _key() -> bytes:
    from ombuds.keys import CONTACT_KEY
    from ombuds.lib import keyfiles

    keyfiles.create(CONTACT_KEY.path, CONTACT_KEY.make, CONTACT_KEY.length)
    return CONTACT_KEY.read()


def _secure_delete(schema_editor: Any, on: bool) -> None:
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"PRAGMA secure_delete = {int(on)}")


def seal_existing(apps: Any, schema_editor: Any) -> None:
    from ombuds import vault

    user = apps.get_model("people", "User")
    contact = apps.get_model("notifications", "ContactAddress")
    people = list(user.objects.exclude(email="").values_list("pk", "email"))
    if not people:
        return
    key = _key()
    for pk, email in people:
        sealed = vault.seal_contact_address(key, email, person=str(pk))
        contact.objects.update_or_create(person_id=pk, defaults={"sealed": sealed})
    _secure_delete(schema_editor, True)
    user.objects.filter(pk__in=[pk for pk, _ in people]).update(email="")
    _secure_delete(schema_editor, False)


def open_existing(apps: Any, schema_editor: Any) -> None:
    from ombuds import vault

    user = apps.get_model("people", "User")
    contact = apps.get_model("notifications", "ContactAddress")
    rows = list(contact.objects.values_list("person_id", "sealed"))
    if not rows:
        return
    key = _key()
    for pk, sealed in rows:
        address = vault.open_contact_address(key, bytes(sealed), person=str(pk))
        user.objects.filter(pk=pk).update(email=address)
    contact.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_contactaddress"),
        ("people", "0006_recoverycode_secondfactor"),
    ]

    operations = [migrations.RunPython(seal_existing, open_existing)]
