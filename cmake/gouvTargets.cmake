# Imported targets of an installed gouv. The prefix is found from this
# file's own place: <prefix>/<libdir>/cmake/gouv/.
get_filename_component(_gouv_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET gouv::gouv)
  find_library(_gouv_lib NAMES gouv PATHS "${_gouv_prefix}/lib" "${_gouv_prefix}/lib64"
    "${CMAKE_CURRENT_LIST_DIR}/../.." NO_DEFAULT_PATH)
  add_library(gouv::gouv SHARED IMPORTED)
  set_target_properties(gouv::gouv PROPERTIES
    IMPORTED_LOCATION "${_gouv_lib}"
    IMPORTED_SONAME libgouv.so.1
    INTERFACE_INCLUDE_DIRECTORIES "${_gouv_prefix}/include")
endif()
if(NOT TARGET gouv::gouv_static)
  add_library(gouv::gouv_static STATIC IMPORTED)
  set_target_properties(gouv::gouv_static PROPERTIES
    IMPORTED_LOCATION "${CMAKE_CURRENT_LIST_DIR}/../../libgouv.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_gouv_prefix}/include"
    INTERFACE_LINK_LIBRARIES "pthread;dl;m")
endif()
unset(_gouv_prefix)
