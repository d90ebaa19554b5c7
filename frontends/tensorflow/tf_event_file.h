#pragma once
// --tensorboard_logdir: the input graph as a TensorBoard event file, so that TensorBoard (or
// tf.compat.v1.train.summary_iterator) shows the graph remo read.
//
// The file is a TFRecord stream: each record is the data's length (uint64, little-endian), the
// masked CRC-32C of those 8 bytes (uint32), the data, and the masked CRC-32C of the data. The
// first record is an Event with file_version "brain.Event:2", the second an Event with the
// GraphDef's bytes (frontends/tensorflow/proto/event.proto). Both carry the wall time of writing,
// and the file is named events.out.tfevents.<whole seconds>.<host name> (".1", ".2"... appended
// when a file of that name exists): unlike the IR, the event file differs from run to run.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace remo::tf_import {

// CRC-32C (Castagnoli polynomial, reflected), as TFRecord uses.
uint32_t crc32c(std::string_view data);
// TFRecord's masked form of a CRC: rotated right by 15 bits, plus 0xa282ead8.
uint32_t masked_crc32c(std::string_view data);
// Appends `data` to `out` as one TFRecord.
void append_tfrecord(std::string& out, std::string_view data);
// The two records (file version, graph) of an event file for `graph_def` (serialized bytes).
std::string graph_event_records(std::string_view graph_def, double wall_time);
// Writes the event file into `logdir` (created if missing) and returns its path. Throws
// remo::Error naming the folder when it cannot be created or written.
std::string write_graph_event_file(const std::string& logdir, std::string_view graph_def);

}  // namespace remo::tf_import
