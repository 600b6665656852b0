"""Sources as records of their own, cited by initiatives and by funding.

Also: funding periods and briefings' publication dates get a precision
(existing rows keep "day", which is what they held), briefings the date a
curator read them, and evidence may now be "mixed".
"""

import django.db.models.deletion
import django.utils.timezone
import initiatives.validators
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0011_suggestion_api_key'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='briefing',
            name='accessed_on',
            field=models.DateField(blank=True, help_text='When a curator last read the briefing at its address.', null=True, verbose_name='date accessed'),
        ),
        migrations.AddField(
            model_name='briefing',
            name='published_on_precision',
            field=models.CharField(choices=[('year', 'Year only'), ('month', 'Month and year'), ('day', 'Full date')], default='day', max_length=5),
        ),
        migrations.AddField(
            model_name='funding',
            name='period_end_precision',
            field=models.CharField(choices=[('year', 'Year only'), ('month', 'Month and year'), ('day', 'Full date')], default='day', max_length=5),
        ),
        migrations.AddField(
            model_name='funding',
            name='period_start_precision',
            field=models.CharField(choices=[('year', 'Year only'), ('month', 'Month and year'), ('day', 'Full date')], default='day', max_length=5),
        ),
        migrations.AddField(
            model_name='historicalbriefing',
            name='accessed_on',
            field=models.DateField(blank=True, help_text='When a curator last read the briefing at its address.', null=True, verbose_name='date accessed'),
        ),
        migrations.AddField(
            model_name='historicalbriefing',
            name='published_on_precision',
            field=models.CharField(choices=[('year', 'Year only'), ('month', 'Month and year'), ('day', 'Full date')], default='day', max_length=5),
        ),
        migrations.AlterField(
            model_name='historicalinitiative',
            name='evidence_outcome',
            field=models.CharField(blank=True, choices=[('worked', 'Worked'), ('promising', 'Promising'), ('new-or-innovative', 'New or innovative'), ('did-not-work', 'Did not work'), ('mixed', 'Mixed')], db_index=True, help_text='Failures are as useful to researchers as successes.', max_length=20, verbose_name='what the evidence says'),
        ),
        migrations.AlterField(
            model_name='initiative',
            name='evidence_outcome',
            field=models.CharField(blank=True, choices=[('worked', 'Worked'), ('promising', 'Promising'), ('new-or-innovative', 'New or innovative'), ('did-not-work', 'Did not work'), ('mixed', 'Mixed')], db_index=True, help_text='Failures are as useful to researchers as successes.', max_length=20, verbose_name='what the evidence says'),
        ),
        migrations.CreateModel(
            name='HistoricalSource',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('briefing', 'Briefing'), ('report', 'Report'), ('evaluation', 'Evaluation'), ('journal-article', 'Journal article'), ('plan', 'Plan or strategy'), ('news', 'News report'), ('press-release', 'Press release'), ('web-page', 'Web page'), ('parliamentary', 'Parliamentary publication'), ('government-publication', 'Government publication'), ('podcast', 'Podcast')], db_index=True, max_length=30)),
                ('title', models.CharField(help_text='Exactly as published. A title the curator had to supply goes in square brackets.', max_length=500)),
                ('slug', models.SlugField(max_length=200)),
                ('authors', models.CharField(blank=True, help_text='As the source gives them.', max_length=500)),
                ('published_on', models.DateField(blank=True, null=True, verbose_name='publication date')),
                ('published_on_precision', models.CharField(choices=[('year', 'Year only'), ('month', 'Month and year'), ('day', 'Full date')], default='day', max_length=5)),
                ('url', initiatives.validators.WebAddressField(help_text="The original's own address.", max_length=500, verbose_name='address')),
                ('accessed_on', models.DateField(default=django.utils.timezone.localdate, help_text='When a curator read it at this address.', verbose_name='date accessed')),
                ('archived_url', initiatives.validators.WebAddressField(blank=True, help_text='A copy kept elsewhere, e.g. in a web archive, if the curator read it.', max_length=500, verbose_name='archived copy')),
                ('summary', models.TextField(blank=True, help_text='What the document is, in a sentence or two.')),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical source',
                'verbose_name_plural': 'historical sources',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Source',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('briefing', 'Briefing'), ('report', 'Report'), ('evaluation', 'Evaluation'), ('journal-article', 'Journal article'), ('plan', 'Plan or strategy'), ('news', 'News report'), ('press-release', 'Press release'), ('web-page', 'Web page'), ('parliamentary', 'Parliamentary publication'), ('government-publication', 'Government publication'), ('podcast', 'Podcast')], db_index=True, max_length=30)),
                ('title', models.CharField(help_text='Exactly as published. A title the curator had to supply goes in square brackets.', max_length=500)),
                ('slug', models.SlugField(max_length=200, unique=True)),
                ('authors', models.CharField(blank=True, help_text='As the source gives them.', max_length=500)),
                ('published_on', models.DateField(blank=True, null=True, verbose_name='publication date')),
                ('published_on_precision', models.CharField(choices=[('year', 'Year only'), ('month', 'Month and year'), ('day', 'Full date')], default='day', max_length=5)),
                ('url', initiatives.validators.WebAddressField(help_text="The original's own address.", max_length=500, verbose_name='address')),
                ('accessed_on', models.DateField(default=django.utils.timezone.localdate, help_text='When a curator read it at this address.', verbose_name='date accessed')),
                ('archived_url', initiatives.validators.WebAddressField(blank=True, help_text='A copy kept elsewhere, e.g. in a web archive, if the curator read it.', max_length=500, verbose_name='archived copy')),
                ('summary', models.TextField(blank=True, help_text='What the document is, in a sentence or two.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('publishers', models.ManyToManyField(blank=True, related_name='published_sources', to='initiatives.organisation')),
            ],
            options={
                'ordering': ['title', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='InitiativeSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.CharField(blank=True, help_text='What this source supports.', max_length=300)),
                ('is_evaluation', models.BooleanField(default=False, help_text='The source evaluates this very initiative.', verbose_name='evaluation of this initiative')),
                ('order', models.PositiveSmallIntegerField(default=0)),
                ('initiative', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='source_citations', to='initiatives.initiative')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='citations', to='initiatives.source')),
            ],
            options={
                'verbose_name': 'source cited',
                'verbose_name_plural': 'sources cited',
                'ordering': ['order', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalSource_publishers',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='initiatives.historicalsource')),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='initiatives.organisation')),
                ('source', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='initiatives.source')),
            ],
            options={
                'verbose_name': 'HistoricalSource_publishers',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='funding',
            name='source',
            field=models.ForeignKey(blank=True, help_text='The source that states this funding.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='funding_stated', to='initiatives.source'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='sources',
            field=models.ManyToManyField(blank=True, help_text='The documents every fact of the entry comes from.', related_name='initiatives', through='initiatives.InitiativeSource', to='initiatives.source'),
        ),
        migrations.AddConstraint(
            model_name='initiativesource',
            constraint=models.UniqueConstraint(fields=('initiative', 'source'), name='initiative_source_unique', violation_error_message='The initiative already cites this source.'),
        ),
    ]
