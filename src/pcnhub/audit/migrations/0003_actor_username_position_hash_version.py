"""The actor's name and the entry's position join the entry (filled by 0004)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_auditsubject"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor_username",
            field=models.CharField(
                blank=True,
                default="",
                help_text="The user's username when they acted (hashed from version 2).",
                max_length=150,
            ),
            preserve_default=False,
        ),
        # Entries already written keep the hash they were written with: version 1.
        migrations.AddField(
            model_name="auditentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="1: written before the actor's name and position were hashed.",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="position",
            field=models.PositiveBigIntegerField(null=True),
        ),
    ]
