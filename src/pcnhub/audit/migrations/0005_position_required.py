"""Every entry has its place in the chain; new entries hash version 2."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_attest_v1_actor_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="position",
            field=models.PositiveBigIntegerField(
                help_text="1 for the first entry of the chain, and so on.",
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                default=2,
                help_text="1: written before the actor's name and position were hashed.",
            ),
        ),
    ]
