/**
 * What belongs to a user as a whole: removing every piece of data keyed by a user id ({@link
 * dev.faas.actors.tenancy.OwnerData}), whether the user asked for it or the {@link
 * dev.faas.actors.tenancy.OrphanJanitor} found data whose user is gone (docs/decisions/0019).
 */
package dev.faas.actors.tenancy;
