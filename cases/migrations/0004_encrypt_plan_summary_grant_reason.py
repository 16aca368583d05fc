import encrypted_fields.fields
from django.db import migrations

# (model, column) whose stored plaintext is encrypted in place.
COLUMNS = (("AccessGrant", "reason"), ("CasePlan", "summary"),
           ("HistoricalCasePlan", "summary"))


def _rewrite(apps, schema_editor, *, encrypt: bool) -> None:
    """Read each stored value past the model and write it back encrypted
    (`encrypt`) or as plaintext; a blank plan summary becomes NULL, as the
    encrypted field stores it. Values already in the target form are left."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, column in COLUMNS:
        model = apps.get_model("cases", model_name)
        field = model._meta.get_field(column)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {quote(column)} FROM {table}"  # noqa: S608  # nosec B608 (quoted names from the model, values bound)
                           f" WHERE {quote(column)} IS NOT NULL")
            rows = cursor.fetchall()
            for row_id, stored in rows:
                plain = field.to_python(stored)  # the plaintext as it is, if not a token
                is_token = plain != stored
                if encrypt and not is_token:
                    value = field.get_prep_value(plain) if plain else None
                    if value is None and not field.null:
                        continue
                elif not encrypt and is_token:
                    value = plain
                else:
                    continue
                cursor.execute(f"UPDATE {table} SET {quote(column)} = %s"  # noqa: S608  # nosec B608 (quoted names from the model, values bound)
                               f" WHERE {pk} = %s", [value, row_id])


def encrypt(apps, schema_editor):
    _rewrite(apps, schema_editor, encrypt=True)


def decrypt(apps, schema_editor):
    _rewrite(apps, schema_editor, encrypt=False)
    # The plaintext summary column was NOT NULL (blank was "").
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        for model_name in ("CasePlan", "HistoricalCasePlan"):
            table = quote(apps.get_model("cases", model_name)._meta.db_table)
            cursor.execute(f"UPDATE {table} SET summary = '' "  # noqa: S608  # nosec B608 (quoted names from the model, values bound)
                           "WHERE summary IS NULL")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_learning_link_anonymise'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accessgrant',
            name='reason',
            field=encrypted_fields.fields.EncryptedTextField(verbose_name='申请理由'),
        ),
        migrations.AlterField(
            model_name='caseplan',
            name='summary',
            field=encrypted_fields.fields.EncryptedTextField(blank=True, null=True, verbose_name='计划概述'),
        ),
        migrations.AlterField(
            model_name='historicalcaseplan',
            name='summary',
            field=encrypted_fields.fields.EncryptedTextField(blank=True, null=True, verbose_name='计划概述'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
