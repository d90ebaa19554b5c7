# Compiles frontends/paddle/proto/framework.proto into the build tree; the generated header is
# included as "frontends/paddle/proto/framework.pb.h".
set(REMO_PADDLE_PROTO_OUT ${CMAKE_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${REMO_PADDLE_PROTO_OUT})
protobuf_generate(TARGET remo_core LANGUAGE cpp
  PROTOS ${CMAKE_SOURCE_DIR}/frontends/paddle/proto/framework.proto
  IMPORT_DIRS ${CMAKE_SOURCE_DIR}
  PROTOC_OUT_DIR ${REMO_PADDLE_PROTO_OUT})
target_include_directories(remo_core PUBLIC ${REMO_PADDLE_PROTO_OUT})
