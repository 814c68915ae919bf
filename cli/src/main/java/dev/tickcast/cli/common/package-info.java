/**
 * What every command shares: the error a user can act on ({@link dev.tickcast.cli.common.UserException}), tick files.
 */
package dev.tickcast.cli.common;
