"""Posting links speak the vocabulary offers speak, step 3 of 3: `confirmed` goes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('jobs', '0004_link_vocabulary_data'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='postingoccupation',
            name='confirmed',
        ),
        migrations.RemoveField(
            model_name='postingskill',
            name='confirmed',
        ),
        migrations.AddConstraint(
            model_name='postingoccupation',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['suggested', 'confirmed', 'rejected'])), name='jobs_postingoccupation_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='postingskill',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['suggested', 'confirmed', 'rejected'])), name='jobs_postingskill_status_valid'),
        ),
    ]
