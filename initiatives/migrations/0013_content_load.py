"""What load_seed_content last loaded of each record of the content files."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0012_sources'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContentLoad',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(help_text="E.g. 'initiative:durham-checkpoint'.", max_length=250, unique=True)),
                ('digest', models.CharField(help_text='SHA-256 of the record as it was in the files.', max_length=64)),
                ('object_id', models.PositiveBigIntegerField(help_text='The primary key of the row loaded.', null=True)),
                ('loaded_at', models.DateTimeField()),
            ],
            options={
                'verbose_name': 'record loaded from the content files',
                'verbose_name_plural': 'records loaded from the content files',
                'ordering': ['key'],
            },
        ),
    ]
