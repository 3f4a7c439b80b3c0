import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROLE_CHOICES = [
    ("national", "National analyst (NHS England)"),
    ("regional", "Regional team"),
    ("commissioner", "Commissioner (primary care team)"),
    ("clinical_director", "PCN clinical director"),
    ("network_manager", "PCN manager"),
    ("practice_manager", "Practice manager"),
    ("evaluator", "Evaluator (read-only, no personal data)"),
    ("admin", "Administrator (users and assignments)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("register", "0002_postcodedistrict"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="roleassignment",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The second administrator who approved a decision role's grant.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.CreateModel(
            name="RoleProposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("role", models.CharField(choices=ROLE_CHOICES, max_length=30)),
                ("valid_from", models.DateField()),
                ("reason", models.TextField(blank=True)),
                ("proposed_at", models.DateTimeField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for a second administrator"),
                            ("approved", "Approved (the role is granted)"),
                            ("refused", "Refused"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True)),
                (
                    "assignment",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="proposal",
                        to="access.roleassignment",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty for the country-wide roles (national, admin).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="register.organisation",
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-proposed_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["status", "proposed_at"],
                        name="access_proposal_status_idx",
                    )
                ],
            },
        ),
    ]
