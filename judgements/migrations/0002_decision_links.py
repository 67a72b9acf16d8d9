"""A decision taken jointly with, or under delegation from, a decision of another body."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('judgements', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='decision',
            name='link_kind',
            field=models.CharField(blank=True, choices=[('', 'Not linked'), ('jointly', 'Taken jointly with'), ('delegation', 'Taken under delegation from')], max_length=12, verbose_name='linked how'),
        ),
        migrations.AddField(
            model_name='decision',
            name='linked_to',
            field=models.ForeignKey(blank=True, help_text='The decision of another body it was taken jointly with or under delegation from.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='linked_from', to='judgements.decision'),
        ),
        migrations.AddField(
            model_name='historicaldecision',
            name='link_kind',
            field=models.CharField(blank=True, choices=[('', 'Not linked'), ('jointly', 'Taken jointly with'), ('delegation', 'Taken under delegation from')], max_length=12, verbose_name='linked how'),
        ),
        migrations.AddField(
            model_name='historicaldecision',
            name='linked_to',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The decision of another body it was taken jointly with or under delegation from.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='judgements.decision'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(('link_kind__in', ['', 'jointly', 'delegation'])), name='judgements_decision_link_valid'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('link_kind', ''), ('linked_to__isnull', True)), models.Q(models.Q(('link_kind', ''), _negated=True), ('linked_to__isnull', False)), _connector='OR'), name='judgements_decision_link_complete'),
        ),
    ]
