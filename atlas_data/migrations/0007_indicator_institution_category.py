import django.db.models.deletion
from django.db import migrations, models


def category_of_the_reporting_institutions(apps, schema_editor):
    """Existing institution-level indicators (e.g. the Kita observation of the Vechta demo)
    whose values all come from POIs of one category get that category."""
    Indicator = apps.get_model("atlas_data", "Indicator")
    InstitutionValue = apps.get_model("atlas_data", "InstitutionValue")
    for indicator in Indicator.objects.filter(
        observation_unit="institution", institution_category__isnull=True
    ):
        categories = set(
            InstitutionValue.objects.filter(indicator=indicator).values_list(
                "poi__category_id", flat=True
            )
        )
        if len(categories) == 1:
            indicator.institution_category_id = categories.pop()
            indicator.save(update_fields=["institution_category"])


class Migration(migrations.Migration):
    dependencies = [
        ("atlas_data", "0006_network_and_institution_values"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalindicator",
            name="institution_category",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Only for values per institution: the category of points of interest that report the values (e.g. Kita; its subcategories count too). Values of institutions of other categories are refused. Empty: every category.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="atlas_data.poicategory",
                verbose_name="category of the institutions",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="institution_category",
            field=models.ForeignKey(
                blank=True,
                help_text="Only for values per institution: the category of points of interest that report the values (e.g. Kita; its subcategories count too). Values of institutions of other categories are refused. Empty: every category.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="institution_indicators",
                to="atlas_data.poicategory",
                verbose_name="category of the institutions",
            ),
        ),
        migrations.RunPython(category_of_the_reporting_institutions, migrations.RunPython.noop),
    ]
