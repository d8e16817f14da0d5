"""job output: the file a job made for download (a SCORM package built as a job)

Revision ID: 7a3e51c0d9b4
Revises: 7a3c5e91d2b4
Create Date: 2026-12-07 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3e51c0d9b4'
down_revision = '7a3c5e91d2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('output', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('output')
