/* ink-epoch-item.c
 *
 * Copyright 2026 The Inkling developers
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <https://www.gnu.org/licenses/>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One epoch's record as a GObject, for the epoch table's list model. */

#include "config.h"

#include "ink-epoch-item.h"

struct _InkEpochItem
{
  GObject         parent_instance;
  InkEpochRecord  record;
};

G_DEFINE_FINAL_TYPE (InkEpochItem, ink_epoch_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_EPOCH,
  PROP_TRAIN_LOSS,
  PROP_VALID_LOSS,
  PROP_RATIO,
  PROP_VALID_ACC,
  PROP_DURATION,
  PROP_IMPROVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static double
ratio (const InkEpochRecord *rec)
{
  return rec->valid_loss != 0 ? rec->train_loss / rec->valid_loss : 0.0;
}

static void
ink_epoch_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  InkEpochItem *self = INK_EPOCH_ITEM (object);

  switch (prop_id)
    {
    case PROP_EPOCH:
      g_value_set_uint (value, self->record.epoch);
      break;
    case PROP_TRAIN_LOSS:
      g_value_set_double (value, self->record.train_loss);
      break;
    case PROP_VALID_LOSS:
      g_value_set_double (value, self->record.valid_loss);
      break;
    case PROP_RATIO:
      g_value_set_double (value, ratio (&self->record));
      break;
    case PROP_VALID_ACC:
      g_value_set_double (value, self->record.valid_acc);
      break;
    case PROP_DURATION:
      g_value_set_double (value, self->record.duration);
      break;
    case PROP_IMPROVED:
      g_value_set_boolean (value, self->record.improved);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_epoch_item_class_init (InkEpochItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = ink_epoch_item_get_property;

  properties[PROP_EPOCH] =
    g_param_spec_uint ("epoch", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_TRAIN_LOSS] =
    g_param_spec_double ("train-loss", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_VALID_LOSS] =
    g_param_spec_double ("valid-loss", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_RATIO] =
    g_param_spec_double ("ratio", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_VALID_ACC] =
    g_param_spec_double ("valid-acc", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_IMPROVED] =
    g_param_spec_boolean ("improved", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ink_epoch_item_init (InkEpochItem *self)
{
}

InkEpochItem *
ink_epoch_item_new (const InkEpochRecord *rec)
{
  InkEpochItem *self;

  g_return_val_if_fail (rec != NULL, NULL);

  self = g_object_new (INK_TYPE_EPOCH_ITEM, NULL);
  self->record = *rec;
  return self;
}

const InkEpochRecord *
ink_epoch_item_get_record (InkEpochItem *self)
{
  g_return_val_if_fail (INK_IS_EPOCH_ITEM (self), NULL);
  return &self->record;
}
