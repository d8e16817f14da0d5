"""course.block_export_on_findings: severe item-quality findings can block the SCORM download

Revision ID: 5d0e7c41a2f6
Revises: bba047e4af3d
Create Date: 2026-12-06 19:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d0e7c41a2f6'
down_revision = 'bba047e4af3d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        # Existing courses export as before: the gate is the provider's choice to turn on.
        batch_op.add_column(sa.Column('block_export_on_findings', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('block_export_on_findings')
