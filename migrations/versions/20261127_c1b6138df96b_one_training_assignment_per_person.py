"""One training assignment per person and module (or quiz): two managers assigning at once make one.

Revision ID: c1b6138df96b
Revises: dd61355cdb86
Create Date: 2026-11-27 23:58:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1b6138df96b'
down_revision = 'dd61355cdb86'
branch_labels = None
depends_on = None


def upgrade():
    # Duplicates left by races before this revision: keep the first assignment of each, as the app would have.
    for column in ('module_id', 'quiz_id'):
        op.execute(f"DELETE FROM training_assignments WHERE {column} IS NOT NULL AND id NOT IN ("
                   f"SELECT MIN(id) FROM training_assignments WHERE {column} IS NOT NULL GROUP BY user_id, {column})")
    with op.batch_alter_table('training_assignments', schema=None) as batch_op:
        batch_op.create_index('uq_training_assignments_user_module', ['user_id', 'module_id'], unique=True)
        batch_op.create_index('uq_training_assignments_user_quiz', ['user_id', 'quiz_id'], unique=True)


def downgrade():
    with op.batch_alter_table('training_assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_training_assignments_user_quiz')
        batch_op.drop_index('uq_training_assignments_user_module')
